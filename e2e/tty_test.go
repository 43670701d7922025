package e2e

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// A shell under init on a terminal has job control, as under docker run -it:
// Ctrl-C stops the foreground job and gives the shell back, and the shell's
// exit status becomes init's.
func TestJobControlOnATerminal(t *testing.T) {
	requireRoot(t)
	cmd := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", initBin, "sh", "-i")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "PS1=prompt$ ", "TERM=dumb"}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	t.Cleanup(func() { killTree(cmd.Process.Pid) })
	screen := &syncBuffer{}
	go io.Copy(screen, tty)
	expect := func(s string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(screen.String(), s) {
			if time.Now().After(deadline) {
				t.Fatalf("terminal never showed %q; screen:\n%s", s, screen)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	expect("prompt$ ")
	tty.WriteString("sleep 1234.5\n")
	waitForProcess(t, "sleep 1234.5")
	tty.Write([]byte{3})     // Ctrl-C
	expect("^C\r\nprompt$ ") // the shell is back
	tty.WriteString("echo status=$?\n")
	expect("status=130")
	tty.WriteString("exit 0\n")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("init exited with %v, want 0; screen:\n%s", err, screen)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("init did not exit after the shell did; screen:\n%s", screen)
	}
}

// waitForProcess waits until a process with this command line exists.
func waitForProcess(t *testing.T, cmdline string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := exec.Command("pgrep", "-xf", cmdline).Output()
		if len(bytes.TrimSpace(out)) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q process appeared", cmdline)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
