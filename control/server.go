package control

import (
	"net/http"
	"time"
)

// The server's limits. Every answer is small and quick, so they can be
// tight: a client that dawdles only holds a connection init must keep.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second // a scrape waits at most the liveness timeout
	idleTimeout       = 2 * time.Minute  // longer than Prometheus' usual scrape interval, to reuse its connection
	maxHeaderBytes    = 64 << 10
)

// NewServer returns a server for h whose timeouts keep slow or idle clients
// from piling up connections in init.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}
