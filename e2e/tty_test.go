package e2e

import (
	"bytes"
	"os/exec"
	"testing"
	"time"
)

// A shell under init on a terminal has job control, as under docker run -it:
// Ctrl-C stops the foreground job and gives the shell back, and the shell's
// exit status becomes init's.
func TestJobControlOnATerminal(t *testing.T) {
	requireRoot(t)
	// --kill-child: startTerminal's cleanup kills unshare, the kernel then
	// kills init, and with PID 1 gone everything in its namespace.
	cmd := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", initBin, "sh", "-i")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "PS1=prompt$ ", "TERM=dumb"}
	term := startTerminal(t, cmd)
	term.expect("prompt$ ")
	term.send("sleep 1234.5\n")
	waitForProcess(t, "sleep 1234.5")
	term.send("\x03")             // Ctrl-C
	term.expect("^C\r\nprompt$ ") // the shell is back
	term.send("echo status=$?\n")
	term.expect("status=130")
	term.send("exit 0\n")
	if code := term.wait(10 * time.Second); code != 0 {
		t.Fatalf("init exited %d, want 0; screen:\n%s", code, term.screen)
	}
}

// waitForProcess waits until a process with this command line exists.
func waitForProcess(t *testing.T, cmdline string) {
	t.Helper()
	if !poll(10*time.Second, 10*time.Millisecond, func() bool {
		out, _ := exec.Command("pgrep", "-xf", cmdline).Output()
		return len(bytes.TrimSpace(out)) > 0
	}) {
		t.Fatalf("no %q process appeared", cmdline)
	}
}
