package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-sh/vigil/config"
)

// An empty token, from the environment or a file, is refused: read as "no
// token" it would leave the API open on loopback.
func TestEmptyTokenRefused(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	empty := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv("VIGIL_TOKEN", "")
	if _, err := tcpHandler(nil, &config.Config{}, &runFlags{}, log); err == nil || !strings.Contains(err.Error(), "VIGIL_TOKEN") {
		t.Errorf("VIGIL_TOKEN empty: %v", err)
	}
	os.Unsetenv("VIGIL_TOKEN")
	if _, err := tcpHandler(nil, &config.Config{}, &runFlags{tokenFile: empty}, log); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty --token-file: %v", err)
	}
}

// Without credentials, a loopback listener serves the API to loopback
// Hosts only (DNS rebinding), and a non-loopback one the probes only.
func TestTCPHandlerWithoutCredentials(t *testing.T) {
	t.Setenv("VIGIL_TOKEN", "") // restored after the test
	os.Unsetenv("VIGIL_TOKEN")
	log := slog.New(slog.DiscardHandler)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	pick, err := tcpHandler(ok, &config.Config{}, &runFlags{}, log)
	if err != nil {
		t.Fatal(err)
	}
	get := func(addr, host string) int {
		r := httptest.NewRequest("GET", "/api/v1/programs", nil)
		r.Host = host
		w := httptest.NewRecorder()
		pick(&net.TCPAddr{IP: net.ParseIP(addr), Port: 9001}).ServeHTTP(w, r)
		return w.Code
	}
	for _, tc := range []struct {
		addr, host string
		want       int
	}{
		{"127.0.0.1", "127.0.0.1:9001", 204},
		{"127.0.0.1", "rebound.example:9001", 403},
		{"0.0.0.0", "127.0.0.1:9001", 403},
	} {
		if got := get(tc.addr, tc.host); got != tc.want {
			t.Errorf("listener %s, Host %s: %d, want %d", tc.addr, tc.host, got, tc.want)
		}
	}
}
