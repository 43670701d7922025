package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeConfig writes a config file, with @PROG@ standing for the test
// program's path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "supervisord.conf")
	writeFile(t, p, strings.ReplaceAll(text, "@PROG@", progBin))
	return p
}

// writeFile writes a file the test needs, its directory too, and fails the
// test if it cannot: a config that was never written would fail later for
// a reason no one would guess.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A supervisord.conf as people write them runs unchanged: sections vigil
// has no use for are accepted, every program runs, output is prefixed.
func TestSupervisordConfRunsUnchanged(t *testing.T) {
	conf := writeConfig(t, `
[unix_http_server]
file=/tmp/vigil-e2e-supervisor.sock   ; (the path to the socket file)
chmod=0700

[supervisord]
nodaemon=true
logfile=/dev/null
pidfile=/tmp/vigil-e2e-supervisord.pid

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///tmp/vigil-e2e-supervisor.sock

[program:web]
command=sh -c 'echo "web up as $SUPERVISOR_PROCESS_NAME in $SUPERVISOR_GROUP_NAME"; exec sleep 1000'
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true

[program:worker]
command=sh -c 'echo "worker says $GREETING" >&2; exec sleep 1000'
environment=GREETING="hello, world"
priority=10

[program:cron]
command=/bin/sh -c "echo cron tick; sleep 1000"
autostart=true
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitOutput("web    | web up as web in web\n")
	in.waitOutput("worker | worker says hello, world\n")
	in.waitOutput("cron   | cron tick\n")
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0\n%s", code, in.out)
	}
}

func TestCrashLoopReachesFatal(t *testing.T) {
	conf := writeConfig(t, `
[program:crash]
command=sh -c 'echo try; exit 1'
startretries=2
[program:steady]
command=sleep 1000
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitOutput("gave up: crash entered FATAL state")
	if n := strings.Count(in.out.String(), "crash  | try\n"); n != 3 {
		t.Fatalf("%d attempts, want 1+startretries = 3\n%s", n, in.out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestAutorestartUnexpected(t *testing.T) {
	conf := writeConfig(t, `
[program:expected]
command=sh -c 'echo run; exit 3'
exitcodes=0,3
startsecs=0
[program:unexpected]
command=sh -c 'echo run; exit 4'
exitcodes=0,3
startsecs=0
startretries=0
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitFor("three runs of the unexpected exit", 20*time.Second, func() bool {
		return strings.Count(in.out.String(), "unexpected | run\n") >= 3
	})
	if n := strings.Count(in.out.String(), "expected   | run\n"); n != 1 {
		t.Fatalf("a program exiting with an expected code ran %d times, want once\n%s", n, in.out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestNumprocsNames(t *testing.T) {
	conf := writeConfig(t, `
[program:w]
command=sh -c 'echo "I am $SUPERVISOR_PROCESS_NAME"; exec sleep 1000'
numprocs=3
numprocs_start=1
process_name=%(program_name)s_%(process_num)02d
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	for _, n := range []string{"w_01", "w_02", "w_03"} {
		in.waitOutput(n + " | I am " + n + "\n")
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// stopasgroup sends the stopsignal to the program's whole process group,
// so the grandchild hears it (and not only the SIGTERM every leftover gets
// at the very end).
func TestStopasgroupReachesGrandchildren(t *testing.T) {
	for _, group := range []bool{true, false} {
		t.Run(fmt.Sprint(group), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "signal")
			conf := writeConfig(t, fmt.Sprintf(`
[program:tree]
command=sh -c '@PROG@ record %s & wait'
stopsignal=USR1
stopasgroup=%v
stopwaitsecs=2
startsecs=0
`, file, group))
			in := start(t, run{pid1: true, args: []string{"-c", conf}})
			in.waitOutput("tree | recording\n")
			in.signal(syscall.SIGTERM)
			in.wait(20 * time.Second)
			b, _ := os.ReadFile(file)
			got := strings.TrimSpace(string(b))
			if group && got != "10" {
				t.Fatalf("grandchild recorded %q, want 10 (USR1)\n%s", got, in.out)
			}
			if !group && got == "10" {
				t.Fatalf("without stopasgroup the grandchild got the stopsignal\n%s", in.out)
			}
		})
	}
}

func TestCriticalProgramEndsContainer(t *testing.T) {
	conf := writeConfig(t, `
[program:app]
command=sh -c 'sleep 0.3; exit 7'
critical=true
autorestart=false
startsecs=0
[program:helper]
command=sh -c 'trap "echo helper stopping; exit 0" TERM; sleep 1000 & wait'
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	if code := in.wait(20 * time.Second); code != 7 {
		t.Fatalf("exit %d, want the critical program's 7\n%s", code, in.out)
	}
	if !strings.Contains(in.out.String(), "helper | helper stopping") {
		t.Fatalf("the other program was not stopped cleanly\n%s", in.out)
	}
}

func TestCriticalFatalEndsContainer(t *testing.T) {
	conf := writeConfig(t, `
[program:app]
command=sh -c 'exit 3'
critical=true
startretries=0
`)
	in := start(t, run{pid1: true, noWait: true, args: []string{"-c", conf}})
	if code := in.wait(20 * time.Second); code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, in.out)
	}
}

func TestMainCommandWithPrograms(t *testing.T) {
	conf := writeConfig(t, `
[program:sidecar]
command=sh -c 'trap "echo sidecar stopping; exit 0" TERM; echo sidecar up; sleep 1000 & wait'
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf, "--", "sh", "-c", "sleep 0.5; echo main done; exit 5"}})
	if code := in.wait(20 * time.Second); code != 5 {
		t.Fatalf("exit %d, want the main command's 5\n%s", code, in.out)
	}
	out := in.out.String()
	for _, want := range []string{"sidecar | sidecar up\n", "main done\n", "sidecar | sidecar stopping\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q\n%s", want, out)
		}
	}
	if strings.Index(out, "main done") > strings.Index(out, "sidecar stopping") {
		t.Fatalf("programs were stopped before the main command ended\n%s", out)
	}
}

// TERM stops programs in reverse priority order, a whole priority at once,
// and a program that ignores its stopsignal is killed after stopwaitsecs,
// all within the deadline.
func TestShutdownOrderAndTiming(t *testing.T) {
	trap := `sh -c 'trap "echo %s stopping; exit 0" TERM; echo %s up; sleep 1000 & wait'`
	conf := writeConfig(t, fmt.Sprintf(`
[program:db]
command=%s
priority=1
[program:api]
command=%s
priority=50
[program:web]
command=%s
priority=50
[program:stubborn]
command=sh -c 'trap "" TERM; echo stubborn up; while :; do sleep 1; done'
priority=100
stopwaitsecs=1
`, fmt.Sprintf(trap, "db", "db"), fmt.Sprintf(trap, "api", "api"), fmt.Sprintf(trap, "web", "web")))
	in := start(t, run{pid1: true, args: []string{"-v", "-c", conf}})
	for _, p := range []string{"db", "api", "web", "stubborn"} {
		in.waitOutput(p + " up\n")
	}
	began := time.Now()
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	took := time.Since(began)
	out := in.out.String()
	stubborn := strings.Index(out, "stopped: stubborn")
	api, web, db := strings.Index(out, "api stopping"), strings.Index(out, "web stopping"), strings.Index(out, "db stopping")
	if stubborn < 0 || api < 0 || web < 0 || db < 0 || !(stubborn < api && stubborn < web && api < db && web < db) {
		t.Fatalf("stop order wrong (want stubborn, then api and web, then db)\n%s", out)
	}
	if took < time.Second || took > 5*time.Second {
		t.Fatalf("shutdown took %v: want stopwaitsecs (1s) for the stubborn one and little more\n%s", took, out)
	}
}

var lineRE = regexp.MustCompile(`^(p\d) +\| (p\d) (\d+) (x*)$`)

// Eight programs writing 10^5 lines each at once: every line arrives
// whole, once, in order, with its own program's prefix.
func TestConcurrentOutputIsWholeLines(t *testing.T) {
	const n = 100000
	var conf strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&conf, "[program:p%d]\ncommand=@PROG@ lines p%d %d\nstartsecs=0\nautorestart=false\n", i, i, n)
	}
	conf.WriteString("[program:keep]\ncommand=sleep 1000\n")
	in := start(t, run{pid1: true, args: []string{"-v", "-c", writeConfig(t, conf.String())}})
	in.waitFor("all lines", 60*time.Second, func() bool {
		return strings.Count(in.out.String(), "exited: p") == 8
	})
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
	checkLines(t, in.out.String(), 8, n)
}

// checkLines checks that programs p0..p(progs-1) each printed lines 0..n-1.
func checkLines(t *testing.T, out string, progs, n int) {
	t.Helper()
	next := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "p") {
			continue
		}
		m := lineRE.FindStringSubmatch(l)
		if m == nil || m[1] != m[2] {
			t.Fatalf("torn or misattributed line %q", l)
		}
		seq, _ := strconv.Atoi(m[3])
		if seq != next[m[1]] || len(m[4]) != seq%97 {
			t.Fatalf("%s: got line %d (%d x), want line %d", m[1], seq, len(m[4]), next[m[1]])
		}
		next[m[1]]++
	}
	for i := 0; i < progs; i++ {
		if got := next[fmt.Sprintf("p%d", i)]; got != n {
			t.Fatalf("p%d: %d lines arrived, want %d", i, got, n)
		}
	}
}

// A program killed right after writing loses nothing it wrote: its pipe is
// drained before its exit is handled.
func TestKilledProgramLosesNoOutput(t *testing.T) {
	conf := writeConfig(t, `
[program:p0]
command=@PROG@ lines p0 20000 kill
startsecs=0
autorestart=false
[program:keep]
command=sleep 1000
`)
	in := start(t, run{pid1: true, args: []string{"-v", "-c", conf}})
	in.waitOutput("exited: p0")
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
	checkLines(t, in.out.String(), 1, 20000)
}

func TestBadConfigStartsNothing(t *testing.T) {
	conf := writeConfig(t, `
[program:a]
command=sh -c 'touch /tmp/vigil-should-not-run'
autorestart=maybe
[program:b]
startsecs=soon
`)
	in := start(t, run{noWait: true, args: []string{"-c", conf}})
	if code := in.wait(10 * time.Second); code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, in.out)
	}
	out := in.out.String()
	for _, want := range []string{"supervisord.conf:4: autorestart:", "supervisord.conf:5:", "supervisord.conf:6: startsecs:"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing error %q in:\n%s", want, out)
		}
	}
}

func TestEnvPrograms(t *testing.T) {
	in := start(t, run{pid1: true, env: []string{
		"VIGIL_PROGRAM_hello=sh -c 'echo hello from env; exec sleep 1000'",
		"VIGIL_PROGRAM_once=sh -c 'echo once; exit 0'",
		"VIGIL_PROGRAM_once__AUTORESTART=false",
		"VIGIL_PROGRAM_once__STARTSECS=0",
	}})
	in.waitOutput("hello | hello from env\n")
	in.waitOutput("once  | once\n")
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	if n := strings.Count(in.out.String(), "once  | once\n"); n != 1 {
		t.Fatalf("autorestart=false from the environment was not applied: %d runs", n)
	}
	bad := start(t, run{noWait: true, env: []string{"VIGIL_PROGRAM_x=true", "VIGIL_PROGRAM_x__STARTRETRIES=many"}})
	if code := bad.wait(10 * time.Second); code != 2 || !strings.Contains(bad.out.String(), "VIGIL_PROGRAM_x__STARTRETRIES") {
		t.Fatalf("bad env program: exit %d\n%s", code, bad.out)
	}
}
