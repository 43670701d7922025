package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Debian's supervisorctl, unchanged, drives init over the control socket
// as it drives supervisord.
func TestSupervisorctlClient(t *testing.T) {
	bin := requireTool(t, "supervisorctl", "supervisor")
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	conf := filepath.Join(dir, "supervisord.conf")
	write := func(extra string) {
		os.WriteFile(conf, []byte(fmt.Sprintf(`
[unix_http_server]
file=%s
chmod=0760
chown=nobody:nogroup

[supervisorctl]
serverurl=unix://%s

[program:web]
command=sh -c 'echo hello from web; trap "echo web got USR1" USR1; while :; do sleep 0.05; done'
startsecs=0
[program:worker]
command=sleep 1000
startsecs=0
[program:later]
command=sleep 1000
autostart=false
startsecs=0
%s`, sock, sock, extra)), 0o644)
	}
	write("")
	in := start(t, run{pid1: true, configSocket: true, args: []string{"-c", conf}})
	sctl := func(args ...string) (string, int) {
		return runCode(t, bin, append([]string{"-c", conf}, args...)...)
	}
	in.waitFor("supervisorctl to connect", 10*time.Second, func() bool {
		_, code := sctl("status", "web")
		return code == 0
	})
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o760 || st.Sys().(*syscall.Stat_t).Uid != 65534 {
		t.Fatalf("socket mode or owner not as [unix_http_server] says: %v %v", st.Mode(), err)
	}
	for _, step := range []struct {
		args []string
		want string // a regexp the output must match
		code int
	}{
		{[]string{"status"}, `(?m)^later +STOPPED +Not started\nweb +RUNNING +pid \d+, uptime 0:00:\d\d\nworker +RUNNING`, 3},
		{[]string{"start", "later"}, `^later: started\n$`, 0},
		{[]string{"start", "later"}, `later: ERROR \(already started\)`, 0},
		{[]string{"stop", "worker"}, `^worker: stopped\n$`, 0},
		{[]string{"restart", "web"}, `^web: stopped\nweb: started\n$`, 0},
		{[]string{"signal", "USR1", "web"}, `^web: signalled\n$`, 0},
		{[]string{"tail", "web"}, `hello from web\n`, 0},
		{[]string{"pid"}, `^1\n$`, 0},
		{[]string{"pid", "web"}, `^\d+\n$`, 0},
		{[]string{"avail"}, `(?m)^later +in use +manual +999:999$`, 0},
		{[]string{"status", "nosuch"}, `nosuch: ERROR \(no such process\)`, 4},
		{[]string{"start", "all"}, `worker: started`, 0},
		{[]string{"version"}, `^vigil `, 0},
	} {
		out, code := sctl(step.args...)
		if code != step.code || !regexp.MustCompile(step.want).MatchString(out) {
			t.Fatalf("supervisorctl %v: exit %d (want %d), output:\n%s\nwant match %q", step.args, code, step.code, out, step.want)
		}
	}
	in.waitOutput("web    | web got USR1")

	// tail -f streams.
	f := exec.Command(bin, "-c", conf, "tail", "-f", "web")
	stdout, _ := f.StdoutPipe()
	f.Start()
	defer f.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for got := false; !got; {
		sctl("signal", "USR1", "web")
		select {
		case l := <-lines:
			got = strings.Contains(l, "web got USR1")
		case <-time.After(200 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("supervisorctl tail -f showed nothing")
			}
		}
	}

	// reread and update apply only the difference.
	worker := runningPids(mustOut(sctl("status", "worker")))["worker"]
	if worker == 0 {
		t.Fatal("worker is not RUNNING before the update")
	}
	write("[program:extra]\ncommand=sleep 1000\nstartsecs=0\n")
	if out, _ := sctl("reread"); !strings.Contains(out, "extra: available") {
		t.Fatalf("reread: %q", out)
	}
	sctl("update")
	in.waitFor("extra to run", 10*time.Second, func() bool {
		out, _ := sctl("status", "extra")
		return strings.Contains(out, "RUNNING")
	})
	if now := runningPids(mustOut(sctl("status", "worker")))["worker"]; now != worker {
		t.Fatal("update restarted an unchanged program")
	}
	if out, _ := sctl("shutdown"); !strings.Contains(out, "Shut down") {
		t.Fatalf("shutdown: %q", out)
	}
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}

}

// mustOut keeps the output of a (output, exit code) pair, for a call
// whose output is checked instead of its code.
func mustOut(out string, _ int) string { return out }
