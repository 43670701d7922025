package e2e

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal is a command running on a pseudo-terminal, driven like a user
// at a keyboard.
type terminal struct {
	t      *testing.T
	cmd    *exec.Cmd
	tty    *os.File
	screen *syncBuffer
	done   chan error
}

// startTerminal starts cmd on a new pseudo-terminal of 24 lines of 200
// columns (wide enough that no command line the tests type wraps); the
// command is killed when the test ends.
func startTerminal(t *testing.T, cmd *exec.Cmd) *terminal {
	t.Helper()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, cmd: cmd, tty: tty, screen: &syncBuffer{}, done: make(chan error, 1)}
	go io.Copy(term.screen, tty)
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		tty.Close()
	})
	return term
}

// send types s.
func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := term.tty.WriteString(s); err != nil {
		term.t.Fatal(err)
	}
}

// expect waits until the screen shows s.
func (term *terminal) expect(s string) {
	term.t.Helper()
	if !poll(20*time.Second, 10*time.Millisecond, func() bool { return strings.Contains(term.screen.String(), s) }) {
		term.t.Fatalf("the terminal never showed %q; screen:\n%s", s, term.screen)
	}
}

// expectProcessIn waits until container runs a process with this command
// line in this state (S running or sleeping, T stopped), so that a key
// sent next reaches it and not the shell.
func (term *terminal) expectProcessIn(container, state, cmdline string) {
	term.t.Helper()
	found := func() bool {
		out, _ := exec.Command("docker", "exec", container, "ps", "-o", "stat,args").Output()
		for _, l := range strings.Split(string(out), "\n") {
			stat, args, _ := strings.Cut(strings.TrimSpace(l), " ")
			if strings.HasPrefix(stat, state) && strings.TrimSpace(args) == cmdline {
				return true
			}
		}
		return false
	}
	if !poll(20*time.Second, 20*time.Millisecond, found) {
		term.t.Fatalf("no %q process in state %s in %s; screen:\n%s", cmdline, state, container, term.screen)
	}
}

// wait waits for the command to exit and returns its exit code.
func (term *terminal) wait(limit time.Duration) int {
	term.t.Helper()
	select {
	case err := <-term.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		term.t.Fatalf("still running after %v; screen:\n%s", limit, term.screen)
	}
	return -1
}
