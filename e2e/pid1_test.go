package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// modes are the two ways init meets orphans: as PID 1 of a namespace, and as
// a child subreaper under some other PID 1.
var modes = []struct {
	name string
	pid1 bool
}{{"pid1", true}, {"subreaper", false}}

func TestOrphansAreReaped(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			script := fmt.Sprintf("%s orphans 1000 && %s zombies 20s", progBin, progBin)
			in := start(t, run{pid1: m.pid1, args: []string{"sh", "-c", script}})
			if code := in.wait(60 * time.Second); code != 0 {
				t.Fatalf("exit code %d\n%s", code, in.out)
			}
			if !strings.Contains(in.out.String(), "orphans started 1000") || !strings.Contains(in.out.String(), "zombies=0 sleeps=0") {
				t.Fatalf("orphans left behind:\n%s", in.out)
			}
		})
	}
}

// catchable lists the standard signals a child can trap: all of 1-31 but
// KILL, STOP and CHLD, and PROF: the Go runtime consumes every SIGPROF for
// its profiler and never hands one to the program, so init cannot forward
// it (the README says so).
func catchable() []syscall.Signal {
	var out []syscall.Signal
	for n := 1; n <= 31; n++ {
		s := syscall.Signal(n)
		if s != syscall.SIGKILL && s != syscall.SIGSTOP && s != syscall.SIGCHLD && s != syscall.SIGPROF {
			out = append(out, s)
		}
	}
	return out
}

func TestEverySignalIsForwarded(t *testing.T) {
	// And real-time ones: from RTMIN+1, since the Go runtime keeps 32 to 34
	// for itself (glibc's and musl's internal signals) and cannot catch them.
	sigs := append(catchable(), 35, 40, 63, 64)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			in := start(t, run{pid1: m.pid1, args: []string{progBin, "signals"}})
			in.waitOutput("ready")
			for _, s := range sigs {
				in.signal(s)
				in.waitOutput(fmt.Sprintf("got %d\n", s))
			}
			in.signal(syscall.SIGKILL)
		})
	}
}

func TestPgroupReachesGrandchild(t *testing.T) {
	for _, tc := range []struct {
		flag       []string
		grandchild bool
	}{{[]string{"-g"}, true}, {nil, false}} {
		t.Run(fmt.Sprint(tc.flag), func(t *testing.T) {
			args := append(append([]string{}, tc.flag...), progBin, "spawn-signals")
			in := start(t, run{pid1: true, args: args})
			in.waitOutput("grandchild ready")
			in.waitOutput("child ready")
			in.signal(syscall.SIGUSR1)
			in.waitOutput("child got 10\n")
			// A second signal that the child reports after the first: by the
			// time it shows, the grandchild has had every chance to report too.
			in.signal(syscall.SIGUSR2)
			in.waitOutput("child got 12\n")
			if tc.grandchild {
				in.waitOutput("grandchild got 10\n")
				in.waitOutput("grandchild got 12\n")
			} else if strings.Contains(in.out.String(), "grandchild got") {
				t.Fatalf("without -g the grandchild got a signal:\n%s", in.out)
			}
		})
	}
}

func TestRewrite(t *testing.T) {
	in := start(t, run{pid1: true, args: []string{"-r", "USR1:USR2", "--rewrite", "HUP:0", "-r", "15:RTMIN+2", progBin, "signals"}})
	in.waitOutput("ready")
	in.signal(syscall.SIGUSR1)
	in.waitOutput("got 12\n")
	in.signal(syscall.SIGHUP) // dropped
	in.signal(syscall.SIGTERM)
	in.waitOutput("got 36\n")
	out := in.out.String()
	if strings.Contains(out, "got 10\n") || strings.Contains(out, "got 1\n") || strings.Contains(out, "got 15\n") {
		t.Fatalf("a rewritten or dropped signal arrived as itself:\n%s", out)
	}
}

func TestExitCodesPassThrough(t *testing.T) {
	for _, code := range []int{0, 1, 2, 32, 64, 127, 254, 255} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			in := start(t, run{pid1: true, noWait: true, args: []string{progBin, "exit", fmt.Sprint(code)}})
			if got := in.wait(10 * time.Second); got != code {
				t.Fatalf("exit code %d, want %d\n%s", got, code, in.out)
			}
		})
	}
}

func TestSignalDeathIs128PlusN(t *testing.T) {
	for _, s := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2} {
		t.Run(s.String(), func(t *testing.T) {
			in := start(t, run{pid1: true, args: []string{"sleep", "100"}})
			in.signal(s)
			if got := in.wait(10 * time.Second); got != 128+int(s) {
				t.Fatalf("exit code %d, want %d\n%s", got, 128+int(s), in.out)
			}
		})
	}
}

func TestRemapExit(t *testing.T) {
	in := start(t, run{pid1: true, args: []string{"-e", "143", "--remap-exit", "3", "sleep", "100"}})
	in.signal(syscall.SIGTERM)
	if got := in.wait(10 * time.Second); got != 0 {
		t.Fatalf("exit code %d, want 143 remapped to 0\n%s", got, in.out)
	}
	in = start(t, run{pid1: true, noWait: true, args: []string{"-e", "143", progBin, "exit", "4"}})
	if got := in.wait(10 * time.Second); got != 4 {
		t.Fatalf("exit code %d, want 4 untouched\n%s", got, in.out)
	}
}

func TestExecFailures(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "script")
	os.WriteFile(noexec, []byte("#!/bin/sh\necho hi\n"), 0o644)
	for _, tc := range []struct {
		cmd  string
		code int
		msg  string
	}{
		{"no-such-command-anywhere", 127, "no-such-command-anywhere: command not found"},
		{filepath.Join(dir, "missing"), 127, "no such file or directory"},
		{noexec, 126, "permission denied"},
		{dir, 126, "is a directory"},
	} {
		t.Run(filepath.Base(tc.cmd), func(t *testing.T) {
			in := start(t, run{pid1: true, noWait: true, args: []string{tc.cmd}})
			if got := in.wait(10 * time.Second); got != tc.code {
				t.Fatalf("exit code %d, want %d\n%s", got, tc.code, in.out)
			}
			out := strings.TrimSpace(in.out.String())
			if !strings.Contains(out, tc.msg) || strings.Count(out, "\n") != 0 {
				t.Fatalf("want one line mentioning %q, got:\n%s", tc.msg, out)
			}
		})
	}
}

func TestArgvReachesChildUntouched(t *testing.T) {
	in := start(t, run{pid1: true, noWait: true, args: []string{"printf", "[%s]", "-g", "--grace", "-v", "--", "x y"}})
	if code := in.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	if got, want := in.out.String(), "[-g][--grace][-v][--][x y]"; got != want {
		t.Fatalf("child printed %q, want %q", got, want)
	}
}

func TestNothingToRunIsUsage(t *testing.T) {
	in := start(t, run{noWait: true})
	if code := in.wait(10 * time.Second); code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, in.out)
	}
	if !strings.Contains(in.out.String(), "Usage:") {
		t.Fatalf("no usage printed:\n%s", in.out)
	}
}

// Signals init inherited as ignored stay ignored in its child, as under
// tini; its signal mask is passed on as it was given.
func TestInheritedSignalState(t *testing.T) {
	wrap := []string{"sh", "-c", `trap '' HUP INT; exec "$@"`, "sh"}
	in := start(t, run{wrap: wrap, noWait: true, args: []string{progBin, "sigstate"}})
	if code := in.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	want := fmt.Sprintf("SigIgn: %016x", 1<<(syscall.SIGHUP-1)|1<<(syscall.SIGINT-1))
	if !strings.Contains(in.out.String(), want) {
		t.Fatalf("child's signal state %q, want %q", in.out, want)
	}
	if !strings.Contains(in.out.String(), "SigBlk: 0000000000000000") {
		t.Fatalf("child's signal mask is not clean: %q", in.out)
	}
}

// When the main child exits, what it left behind gets SIGTERM (and time to
// act on it) before init exits; tini and dumb-init leave it to the kernel's
// SIGKILL.
func TestLeftoverDaemonGetsTERM(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "daemon")
			in := start(t, run{pid1: m.pid1, noWait: true, args: []string{"--grace", "20s", progBin, "leave-daemon", file}})
			began := time.Now()
			if code := in.wait(30 * time.Second); code != 0 {
				t.Fatalf("exit %d\n%s", code, in.out)
			}
			b, err := os.ReadFile(file)
			if err != nil || strings.TrimSpace(string(b)) != "15" {
				t.Fatalf("daemon did not record SIGTERM: %q %v\n%s", b, err, in.out)
			}
			if d := time.Since(began); d > 10*time.Second {
				t.Fatalf("init waited %v: it should exit as soon as the daemon is gone", d)
			}
		})
	}
}

func TestGraceEndsInSIGKILL(t *testing.T) {
	script := `sh -c 'trap "" TERM; exec sleep 1000' & sleep 0.1; exit 3`
	in := start(t, run{pid1: true, noWait: true, args: []string{"--grace", "300ms", "sh", "-c", script}})
	began := time.Now()
	if code := in.wait(10 * time.Second); code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, in.out)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("took %v: the grace period is 300ms", d)
	}
	if !strings.Contains(in.out.String(), "SIGKILL") {
		t.Fatalf("no warning about SIGKILL:\n%s", in.out)
	}
}
