package e2e

import (
	"strings"
	"testing"
	"time"
)

// The README's first command runs examples/supervisord.conf with a main
// command; keep it true.
func TestReadmeExample(t *testing.T) {
	in := start(t, run{pid1: true, args: []string{"-c", "../examples/supervisord.conf", "--",
		"sh", "-c", "sleep 3; echo main command done; exit 3"}})
	if code := in.wait(30 * time.Second); code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, in.out)
	}
	out := in.out.String()
	for _, want := range []string{"web    | serving on :8080\n", "worker | job 1 done\n",
		"flaky  | starting and failing\n", "gave up: flaky entered FATAL state", "main command done\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
}
