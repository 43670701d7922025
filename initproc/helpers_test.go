package initproc

import (
	"os"
	"strings"
	"sync"
	"testing"
)

type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// needRoot skips the test, which does what needs root, unless it runs as
// root or in CI (CI=true): there it must run, and fails without root.
func needRoot(t *testing.T, what string) {
	t.Helper()
	if os.Geteuid() != 0 && os.Getenv("CI") != "true" {
		t.Skip(what + " needs root")
	}
}
