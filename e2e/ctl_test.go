package e2e

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ctl runs init ctl against sock and returns its output and exit code.
func ctl(t *testing.T, sock string, args ...string) (string, int) {
	t.Helper()
	return runCode(t, initBin, append([]string{"ctl", "--socket", sock}, args...)...)
}

// runCode runs a command to its end and returns its combined output and
// exit code; a command that cannot be started fails the test.
func runCode(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}

// statusRunning is a RUNNING program's line of ctl status (and of
// supervisorctl status): its name and pid.
var statusRunning = regexp.MustCompile(`(?m)^(\S+)\s+RUNNING\s+pid (\d+),`)

// runningPids reads the output of ctl status: the pid of each RUNNING
// program. Every test that asks which pid a program has reads it here.
func runningPids(status string) map[string]int {
	m := map[string]int{}
	for _, g := range statusRunning.FindAllStringSubmatch(status, -1) {
		m[g[1]], _ = strconv.Atoi(g[2])
	}
	return m
}

// pidOf is the pid of a program, which must be RUNNING, as ctl status
// gives it.
func pidOf(t *testing.T, sock, name string) int {
	t.Helper()
	pid := runningPids(mustCtl(t, sock, "status", name))[name]
	if pid == 0 {
		t.Fatalf("%s is not RUNNING", name)
	}
	return pid
}

func TestCtl(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "vigil.sock")
	conf := writeConfig(t, `
[program:web]
command=sh -c 'trap "echo web got HUP" HUP; while :; do sleep 0.1; done'
startsecs=0
[program:worker]
command=sleep 1000
startsecs=0
[program:later]
command=sleep 1000
autostart=false
`)
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	in.waitFor("ctl to answer", 10*time.Second, func() bool {
		out, _ := ctl(t, sock, "status", "web")
		return runningPids(out)["web"] != 0
	})
	comp, err := exec.Command(initBin, "__complete", "ctl", "--socket", sock, "restart", "").Output()
	if err != nil || !strings.Contains(string(comp), "\nweb\n") || !strings.Contains(string(comp), "\nlater\n") {
		t.Fatalf("shell completion of program names: %v %q", err, comp)
	}
	out, code := ctl(t, sock, "status")
	if code != 3 || !strings.Contains(out, "later                            STOPPED   Not started") {
		t.Fatalf("status (exit %d, want 3 since later is stopped):\n%s", code, out)
	}
	before := pidOf(t, sock, "web")
	if out := mustCtl(t, sock, "restart", "web"); out != "web: restarted\n" {
		t.Fatalf("restart: %q", out)
	}
	if after := pidOf(t, sock, "web"); before == after {
		t.Fatalf("restart kept pid %d", before)
	}
	mustCtl(t, sock, "signal", "HUP", "web")
	in.waitOutput("web got HUP")
	if out := mustCtl(t, sock, "stop", "worker"); out != "worker: stopped\n" {
		t.Fatalf("stop: %q", out)
	}
	if out, code := ctl(t, sock, "stop", "worker"); code != 1 || !strings.Contains(out, "worker: ERROR (not running)") {
		t.Fatalf("second stop: exit %d %q", code, out)
	}
	if out, code := ctl(t, sock, "start", "nosuch"); code != 1 || !strings.Contains(out, "BAD_NAME") {
		t.Fatalf("start nosuch: exit %d %q", code, out)
	}
	mustCtl(t, sock, "start", "later", "worker")
	if out := mustCtl(t, sock, "health"); !strings.Contains(out, "readyz check passed") {
		t.Fatalf("health: %q", out)
	}
	mustCtl(t, sock, "wait", "--timeout", "5s")
	out = mustCtl(t, sock, "status", "-o", "json")
	var ps []map[string]any
	if err := json.Unmarshal([]byte(out), &ps); err != nil || len(ps) != 3 {
		t.Fatalf("status -o json: %v\n%s", err, out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
	if out, code := ctl(t, sock, "status"); code != 4 || !strings.Contains(out, "cannot reach init") {
		t.Fatalf("status with init gone: exit %d %q", code, out)
	}
}

// mustCtl is ctl for a command that must succeed: its output, or the test
// fails.
func mustCtl(t *testing.T, sock string, args ...string) string {
	t.Helper()
	out, code := ctl(t, sock, args...)
	if code != 0 {
		t.Fatalf("ctl %v: exit %d\n%s", args, code, out)
	}
	return out
}
