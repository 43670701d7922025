package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// run describes one start of init.
type run struct {
	args   []string // init's arguments
	env    []string // added to the test's environment
	pid1   bool     // run as PID 1 of a new PID namespace
	wrap   []string // a command init is exec'd through (e.g. sh -c "trap ..."; exec "$@")
	stdin  io.Reader
	noWait bool // do not wait for init's first child before returning
	// configSocket leaves the control socket to the config's
	// [unix_http_server] file instead of a fresh path of the test's.
	configSocket bool
	// stdout and stderr, when set, take init's stdout and stderr instead
	// of out.
	stdout, stderr io.Writer
}

// instance is a running init.
type instance struct {
	t    *testing.T
	cmd  *exec.Cmd
	pid  int // init's PID as this test sees it
	out  *syncBuffer
	done chan struct{}
	err  error
}

// start runs init and returns once it has started its first child, which
// also means its signal handlers are in place.
func start(t *testing.T, r run) *instance {
	t.Helper()
	requireRoot(t)
	// Each init gets a control socket of its own, so that runs never meet
	// at the default path; a test that passes --socket overrides it.
	argv := append([]string{initBin, "--socket", filepath.Join(t.TempDir(), "ctl.sock")}, r.args...)
	if r.configSocket {
		argv = append([]string{initBin}, r.args...)
	}
	if r.pid1 {
		argv = append([]string{"unshare", "--pid", "--fork", "--mount-proc", "--kill-child"}, argv...)
	}
	argv = append(append([]string{}, r.wrap...), argv...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), r.env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr, cmd.Stdin = out, out, r.stdin
	if r.stdout != nil {
		cmd.Stdout = r.stdout
	}
	if r.stderr != nil {
		cmd.Stderr = r.stderr
	}
	// Orphans that outlive init may hold its output pipe open.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	in := &instance{t: t, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { in.err = cmd.Wait(); close(in.done) }()
	t.Cleanup(in.kill)
	in.pid = cmd.Process.Pid
	if r.pid1 {
		// A run that is not waited for may be over before unshare's
		// child, init, is seen (a command that cannot be executed): it
		// has no pid then, and only its exit status and output count.
		in.pid = in.firstChild(cmd.Process.Pid, r.noWait)
	}
	if !r.noWait {
		in.waitChild(in.pid)
	}
	return in
}

// waitChild waits until pid has a child and returns the first one.
func (in *instance) waitChild(pid int) int {
	in.t.Helper()
	return in.firstChild(pid, false)
}

// firstChild waits until pid has a child and returns the first one; if
// mayExit, init's exit ends the wait too, and the answer is 0.
func (in *instance) firstChild(pid int, mayExit bool) int {
	in.t.Helper()
	var kids []int
	in.waitFor(fmt.Sprintf("a child of pid %d", pid), 10*time.Second, func() bool {
		if kids = children(pid); len(kids) > 0 {
			return true
		}
		select {
		case <-in.done:
			return mayExit
		default:
			return false
		}
	})
	if len(kids) == 0 {
		return 0
	}
	return kids[0]
}

// children lists pid's children. Each thread has its own list, and a Go
// program forks from whichever thread it runs on.
func children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(b)) {
			n, _ := strconv.Atoi(f)
			out = append(out, n)
		}
	}
	return out
}

// killTree SIGKILLs pid and everything below it, children first found from
// the top so that nothing gets reparented out of reach.
func killTree(pid int) {
	syscall.Kill(pid, syscall.SIGSTOP)
	for _, c := range children(pid) {
		killTree(c)
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// poll calls cond every interval until it holds, and says whether it did
// within limit. It is the one polling loop of the package: each wait built
// on it (instance.waitFor, container.eventually, terminal.expect, ...)
// fails with what is worth seeing of its own subject, be it init's output,
// a container's log or a terminal's screen.
func poll(limit, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
	return true
}

// waitFor polls cond until it holds, failing the test after limit, or at
// once if init exits with cond still false.
func (in *instance) waitFor(what string, limit time.Duration, cond func() bool) {
	in.t.Helper()
	exited := false
	held := poll(limit, 5*time.Millisecond, func() bool {
		select {
		case <-in.done:
			exited = true
		default:
		}
		return exited || cond()
	})
	switch {
	case !held:
		in.t.Fatalf("timed out after %v waiting for %s\noutput:\n%s", limit, what, in.out)
	case exited && !cond():
		in.t.Fatalf("init exited while waiting for %s: %v\noutput:\n%s", what, in.err, in.out)
	}
}

// waitOutput waits until init's combined output contains s.
func (in *instance) waitOutput(s string) {
	in.t.Helper()
	in.waitFor(fmt.Sprintf("output %q", s), 10*time.Second, func() bool { return strings.Contains(in.out.String(), s) })
}

// signal sends sig to init, failing the test if it cannot.
func (in *instance) signal(sig syscall.Signal) {
	in.t.Helper()
	if in.pid == 0 { // kill(0, sig) would hit the test's own process group
		in.t.Fatalf("signal %v: init ended before its pid was known\n%s", sig, in.out)
	}
	if err := syscall.Kill(in.pid, sig); err != nil {
		in.t.Fatalf("kill(%d, %v): %v", in.pid, sig, err)
	}
}

// wait waits for init to exit and returns its exit code.
func (in *instance) wait(limit time.Duration) int {
	in.t.Helper()
	select {
	case <-in.done:
	case <-time.After(limit):
		in.t.Fatalf("init did not exit within %v\noutput:\n%s", limit, in.out)
	}
	var ee *exec.ExitError
	switch {
	case in.err == nil:
		return 0
	case errors.As(in.err, &ee):
		if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	in.t.Fatalf("wait: %v", in.err)
	return -1
}

// kill ends init and everything it started; a test that failed half-way
// leaves nothing running.
func (in *instance) kill() {
	select {
	case <-in.done:
	default:
		killTree(in.cmd.Process.Pid)
		<-in.done
	}
}

// syncBuffer is a bytes.Buffer safe for the writer goroutines of exec.Cmd
// and the test reading it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p; exec.Cmd's copying goroutines call it.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
