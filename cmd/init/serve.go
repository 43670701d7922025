package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/control"
	"github.com/vigil-sh/vigil/initproc"
)

// runtimeDir is where init keeps its sockets: /run/vigil when /run is
// writable (root, a normal container), else a directory of the user's in
// the temporary directory (non-root, read-only root with a tmpfs on /tmp).
func runtimeDir() string {
	if unix.Access("/run", unix.W_OK) == nil {
		return "/run/vigil"
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("vigil-%d", os.Getuid()))
}

// socketPath is the control socket: --socket or VIGIL_SOCKET, else
// [unix_http_server] file, else /run/vigil.sock when /run is writable, else
// one in the runtime directory.
func socketPath(flag string, cfg *config.Config) string {
	switch {
	case flag != "":
		return flag
	case cfg != nil && cfg.Unix != nil && cfg.Unix.File != "":
		return cfg.Unix.File
	case unix.Access("/run", unix.W_OK) == nil:
		return "/run/vigil.sock"
	}
	return filepath.Join(runtimeDir(), "vigil.sock")
}

// httpAddr is --http or VIGIL_HTTP, else [inet_http_server] port.
func httpAddr(flag string, cfg *config.Config) string {
	if flag != "" || cfg == nil || cfg.Inet == nil {
		return flag
	}
	port := cfg.Inet.Port
	if strings.HasPrefix(port, "*:") {
		port = port[1:]
	} else if !strings.Contains(port, ":") {
		port = ":" + port
	}
	return port
}

// serveControl serves the probes and metrics on the control socket and,
// when asked, on TCP. It returns a function that closes the listeners.
func serveControl(s *initproc.Supervisor, cfg *config.Config, f *runFlags, log *slog.Logger) (func(), error) {
	opts := control.Options{Version: versionString()}
	// The socket's file mode is its access control, so it serves the API
	// that changes state; TCP serves only the probes and metrics until
	// it has authentication.
	api, probes := control.NewAPIHandler(s, opts), control.NewHandler(s, opts)
	mode := os.FileMode(0o700)
	if cfg.Unix != nil && cfg.Unix.Chmod != 0 {
		mode = os.FileMode(cfg.Unix.Chmod)
	}
	path := socketPath(f.socket, cfg)
	var listeners []net.Listener
	// Without its socket init still runs the programs: the workload
	// matters more than the control plane. It says why, once.
	ln, err := listenSocket(path, mode)
	if err != nil {
		log.Warn("no control socket: "+err.Error(), "hint", "give --socket a free, writable path")
	} else {
		listeners = append(listeners, ln)
	}
	if addr := httpAddr(f.http, cfg); addr != "" {
		tcp, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return nil, fmt.Errorf("--http %s: %w", addr, err)
		}
		listeners = append(listeners, tcp)
	}
	var servers []*http.Server
	for _, l := range listeners {
		h := probes
		if l.Addr().Network() == "unix" {
			h = api
		}
		srv := control.NewServer(h)
		servers = append(servers, srv)
		initproc.Go(log, "http", func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("control server stopped", "addr", l.Addr().String(), "err", err)
			}
		})
	}
	return func() {
		for _, srv := range servers {
			srv.Close()
		}
		if ln != nil {
			os.Remove(path) // ours: a socket someone else listens on stays
		}
	}, nil
}

func listenSocket(path string, mode os.FileMode) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return control.ListenUnix(path, mode)
}
