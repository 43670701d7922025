package e2e

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCtlTailLogsPidShutdown(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "vigil.sock")
	conf := writeConfig(t, `
[program:talker]
command=sh -c 'trap "echo ping" USR1; for i in 1 2 3 4 5; do echo "line $i"; done; echo oops >&2; while :; do sleep 0.05; done'
startsecs=0
[program:quiet]
command=sleep 1000
startsecs=0
autostart=false
`)
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	in.waitOutput("talker | oops")
	if out := mustCtl(t, sock, "tail", "-n", "2", "talker"); out != "line 4\nline 5\n" {
		t.Fatalf("tail -n 2: %q", out)
	}
	if out := mustCtl(t, sock, "tail", "talker", "stderr"); out != "oops\n" {
		t.Fatalf("tail stderr: %q", out)
	}
	if out := mustCtl(t, sock, "logs", "-n", "1"); !strings.Contains(out, "talker | line 5\n") {
		t.Fatalf("logs: %q", out)
	}
	if out, code := ctl(t, sock, "tail", "nosuch"); code != 1 || !strings.Contains(out, "nosuch: ERROR") {
		t.Fatalf("tail nosuch: %d %q", code, out)
	}
	// Follow: a line printed after the tail started arrives.
	f := exec.Command(initBin, "ctl", "--socket", sock, "tail", "-f", "-n", "0", "talker")
	stdout, _ := f.StdoutPipe()
	f.Start()
	defer f.Process.Kill()
	lines := make(chan string, 10)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
	}()
	if out, code := ctl(t, sock, "signal", "USR1", "quiet"); code != 1 || !strings.Contains(out, "quiet: ERROR (not running)") {
		t.Fatalf("signal to a stopped program: %d %q", code, out)
	}
	// Ask talker for a line until tail -f, once connected, shows one.
	deadline := time.Now().Add(10 * time.Second)
	for got := false; !got; {
		mustCtl(t, sock, "signal", "USR1", "talker")
		select {
		case l := <-lines:
			if l != "ping" {
				t.Fatalf("followed %q", l)
			}
			got = true
		case <-time.After(200 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("tail -f printed nothing new")
			}
		}
	}
	if pid := strings.TrimSpace(mustCtl(t, sock, "pid")); pid != "1" {
		t.Fatalf("ctl pid: %q, want init's pid 1", pid)
	}
	if pid, _ := strconv.Atoi(strings.TrimSpace(mustCtl(t, sock, "pid", "talker"))); pid <= 1 {
		t.Fatalf("ctl pid talker: %d", pid)
	}
	if out := mustCtl(t, sock, "avail"); !regexp.MustCompile(`(?m)^quiet +in use +manual +999:999$`).MatchString(out) {
		t.Fatalf("avail: %q", out)
	}
	if out := mustCtl(t, sock, "version"); !strings.HasPrefix(out, "vigil ") {
		t.Fatalf("version: %q", out)
	}
	mustCtl(t, sock, "shutdown")
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d after ctl shutdown", code)
	}
}
