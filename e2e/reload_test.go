package e2e

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A reload applies only the difference; a bad config is rejected and
// nothing running is touched.
func TestReloadAppliesOnlyTheDifference(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	conf := filepath.Join(dir, "app.conf")
	write := func(s string) { writeFile(t, conf, s) }
	write(`
[program:keep]
command=sleep 1001
startsecs=0
[program:change]
command=sleep 1002
startsecs=0
[program:drop]
command=sleep 1003
startsecs=0
`)
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	in.waitFor("programs running", 10*time.Second, func() bool {
		out, _ := ctl(t, sock, "status")
		return strings.Count(out, "RUNNING") == 3
	})
	keep, change := pidOf(t, sock, "keep"), pidOf(t, sock, "change")

	write("[program:keep]\ncommand=sleep 1001\nautorestart=maybe\n")
	out, code := ctl(t, sock, "update")
	if code != 1 || !strings.Contains(out, "app.conf:3: autorestart") {
		t.Fatalf("bad config: exit %d\n%s\n%s", code, out, in.out)
	}
	if pidOf(t, sock, "keep") != keep || pidOf(t, sock, "change") != change {
		t.Fatal("a rejected config changed running programs")
	}

	write(`
[program:keep]
command=sleep 1001
startsecs=0
[program:change]
command=sleep 1012
startsecs=0
[program:add]
command=sleep 1004
startsecs=0
`)
	if out := mustCtl(t, sock, "reread"); out != "add: available\nchange: changed\ndrop: disappeared\n" {
		t.Fatalf("reread: %q", out)
	}
	if pidOf(t, sock, "change") != change {
		t.Fatal("reread changed something")
	}
	mustCtl(t, sock, "update")
	in.waitFor("the new set", 10*time.Second, func() bool {
		out, _ := ctl(t, sock, "status")
		return strings.Count(out, "RUNNING") == 3 && strings.Contains(out, "add ") && !strings.Contains(out, "drop")
	})
	if pidOf(t, sock, "keep") != keep {
		t.Fatal("an unchanged program was restarted")
	}
	if pidOf(t, sock, "change") == change {
		t.Fatal("a changed program was not restarted")
	}
	// SIGHUP does the same.
	write("[program:keep]\ncommand=sleep 1001\nstartsecs=0\n")
	in.signal(syscall.SIGHUP)
	in.waitFor("SIGHUP to apply the config", 10*time.Second, func() bool {
		out, _ := ctl(t, sock, "status")
		return strings.Count(out, "\n") == 1 && strings.Contains(out, "keep")
	})
	if pidOf(t, sock, "keep") != keep {
		t.Fatal("SIGHUP restarted an unchanged program")
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}
