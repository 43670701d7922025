package e2e

// Stress and fault tests: init as PID 1 under loads it must come out of
// unchanged (an orphan storm, a crash loop, a signal storm, floods of
// output) and faults it must ride out (a blocked stdout, a full disk,
// programs that resist their shutdown). Each is bounded in count and time,
// ends by itself, and logs what it measured (go test -v shows it).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// stressInit starts init with conf and a control socket of the test's,
// without waiting for a child (programs may all start later), and returns
// once /livez answers.
func stressInit(t *testing.T, r run, conf string) (*instance, string, *http.Client) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	r.noWait = true
	r.args = append([]string{"--socket", sock, "-c", conf}, r.args...)
	in := start(t, r)
	c := probeClient(sock)
	waitStatus(t, in, c, "/livez", 200)
	return in, sock, c
}

// apiProgram is the part of the API's program object the tests read.
type apiProgram struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Pid      int    `json:"pid"`
	Restarts uint64 `json:"restarts"`
	Spawnerr string `json:"spawnerr"`
}

// programsOf is GET /api/v1/programs over the socket, by program name.
func programsOf(t *testing.T, c *http.Client) map[string]apiProgram {
	t.Helper()
	code, body := get(c, "/api/v1/programs")
	var ps []apiProgram
	if err := json.Unmarshal([]byte(body), &ps); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/programs: %d %v\n%s", code, err, body)
	}
	m := map[string]apiProgram{}
	for _, p := range ps {
		m[p.Name] = p
	}
	return m
}

// metric reads one sample without labels from init's /metrics.
func metric(t *testing.T, c *http.Client, name string) float64 {
	t.Helper()
	code, body := get(c, "/metrics")
	if v, ok := sampleOf(body, name); ok && code == 200 {
		return v
	}
	t.Fatalf("no %s in /metrics (%d):\n%s", name, code, body)
	return 0
}

// sampleOf finds the value of a sample without labels in the text of
// /metrics, however it was fetched (over the socket, or by wget in a
// container).
func sampleOf(metrics, name string) (float64, bool) {
	for _, l := range strings.Split(metrics, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f, true
			}
		}
	}
	return 0, false
}

// procField is the value, trimmed, of the "key:" line of /proc/PID/file
// (status, io): how the tests read a process's memory, bytes written and
// PIDs in its namespaces.
func procField(pid int, file, key string) (string, bool) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// procKB reads a "Vm..." or "Rss..." line of /proc/PID/status, in kB.
func procKB(t *testing.T, pid int, field string) int {
	t.Helper()
	v, ok := procField(pid, "status", field)
	if !ok {
		t.Fatalf("no %s in /proc/%d/status", field, pid)
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(v, " kB"))
	return n
}

// openFDs counts the descriptors pid has open.
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// zombieChildren counts the children of pid that are zombies.
func zombieChildren(pid int) int {
	n := 0
	for _, c := range children(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c))
		if err != nil {
			continue
		}
		s := string(b)
		if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) > 0 && f[0] == "Z" {
			n++
		}
	}
	return n
}

// 100,000 double-forked orphans come to init at full speed: it reaps every
// one (its counter says exactly how many), leaves no zombie, and its
// memory does not grow with the number it reaped.
func TestStressOrphanStorm(t *testing.T) {
	const warm, storm = 2000, 100000
	conf := writeConfig(t, fmt.Sprintf(`
[program:warm]
command=@PROG@ storm %d 2
autostart=false
startsecs=0
autorestart=false
[program:storm]
command=@PROG@ storm %d 2
autostart=false
startsecs=0
autorestart=false
`, warm, storm))
	in, sock, c := stressInit(t, run{pid1: true}, conf)
	reaped := func() int { return int(metric(t, c, "vigil_zombies_reaped_total")) }
	exited := func(name string) func() bool {
		return func() bool { return programsOf(t, c)[name].State == "EXITED" }
	}
	startRSS := procKB(t, in.pid, "VmRSS")
	// A small storm first, so that the baseline includes what reaping
	// needs at all; what is measured is what it grows by with the count.
	mustCtl(t, sock, "start", "warm")
	in.waitFor("the warm-up storm", 30*time.Second, exited("warm"))
	in.waitFor("the warm-up orphans", 10*time.Second, func() bool { return reaped() == warm })
	// A Go heap fills with garbage up to the collector's goal (4 MB at
	// least) before the first collection, and its RSS with it. The
	// baseline waits for two collections, which the scrapes bring about,
	// so that what is measured is growth with the number of orphans.
	gc0 := metric(t, c, "go_gc_duration_seconds_count")
	in.waitFor("two garbage collections", 60*time.Second, func() bool { return metric(t, c, "go_gc_duration_seconds_count") >= gc0+2 })
	rss0, anon0 := procKB(t, in.pid, "VmRSS"), procKB(t, in.pid, "RssAnon")

	began := time.Now()
	mustCtl(t, sock, "start", "storm")
	// Waiting on the storm's output rather than polling /metrics keeps
	// the test from loading init while it measures init's memory.
	in.waitFor("the storm", 150*time.Second, func() bool { return strings.Contains(in.out.String(), "storm | storm done") })
	in.waitFor("every orphan reaped", 10*time.Second, func() bool { return reaped() >= warm+storm })
	took := time.Since(began)
	in.waitFor("the storm program's end", 10*time.Second, exited("storm"))
	in.waitFor("no zombie left", 5*time.Second, func() bool { return zombieChildren(in.pid) == 0 })
	if n := reaped(); n != warm+storm {
		t.Fatalf("init reaped %d orphans, want exactly %d", n, warm+storm)
	}
	rss1, anon1 := procKB(t, in.pid, "VmRSS"), procKB(t, in.pid, "RssAnon")
	t.Logf("%d orphans reaped in %v (%.0f/s); init's RSS %d kB at start, %d kB after %d warm-up orphans, %d kB after %d more (%+d kB, of which anonymous %+d kB)",
		storm, took.Round(time.Millisecond), storm/took.Seconds(), startRSS, rss0, warm, rss1, storm, rss1-rss0, anon1-anon0)
	if rss1-rss0 >= 2048 {
		t.Errorf("init's RSS grew by %d kB over the storm, want less than 2 MB", rss1-rss0)
	}
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
}

// Two programs that exit at once with a code their PID decides, restarted
// 10,000 times in all: every exit is reported with its own code, and
// init's descriptors, goroutines and memory are back where they were.
func TestStressCrashLoop(t *testing.T) {
	const restarts = 10000
	// %% is how the config writes a percent sign.
	prog := "command=sh -c 'exit $(($$ %% 251))'\nautostart=false\nstartsecs=0\nautorestart=true\n"
	conf := writeConfig(t, "[program:c1]\n"+prog+"[program:c2]\n"+prog)
	// -v logs every spawn with its PID, which the exit codes are checked
	// against.
	in, sock, c := stressInit(t, run{pid1: true, args: []string{"-v"}}, conf)
	total := func() uint64 {
		ps := programsOf(t, c)
		return ps["c1"].Restarts + ps["c2"].Restarts
	}
	loop := func(n uint64) {
		from := total()
		mustCtl(t, sock, "start", "c1", "c2")
		in.waitFor(fmt.Sprintf("%d restarts", n), 120*time.Second, func() bool { return total() >= from+n })
		mustCtl(t, sock, "stop", "c1", "c2")
	}
	// The warm-up runs every path once, and opens the client's
	// connection that the counts below include.
	loop(200)
	goroutines := func() int { return int(metric(t, c, "go_goroutines")) }
	fd0, g0, rss0 := openFDs(t, in.pid), goroutines(), procKB(t, in.pid, "VmRSS")

	began := time.Now()
	loop(restarts)
	took := time.Since(began)
	var fd1, g1 int
	in.waitFor("descriptors and goroutines back to the start", 10*time.Second, func() bool {
		fd1, g1 = openFDs(t, in.pid), goroutines()
		return fd1 <= fd0 && g1 <= g0
	})
	rss1 := procKB(t, in.pid, "VmRSS")
	runs := checkExitCodes(t, in.out.String(), 251)
	if runs < restarts {
		t.Fatalf("%d exits reported for %d restarts", runs, restarts)
	}
	t.Logf("%d restarts in %v (%.0f/s), %d exit codes checked; fds %d -> %d, goroutines %d -> %d, RSS %d -> %d kB (%+d)",
		restarts, took.Round(time.Millisecond), restarts/took.Seconds(), runs, fd0, fd1, g0, g1, rss0, rss1, rss1-rss0)
	if rss1-rss0 >= 2048 {
		t.Errorf("init's RSS grew by %d kB over %d restarts", rss1-rss0, restarts)
	}
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
}

var (
	spawnedRE = regexp.MustCompile(`spawned program=(\S+) pid=(\d+)`)
	endedRE   = regexp.MustCompile(`(?:exited|stopped): (\S+) .*status="([^"]+)"`)
)

// checkExitCodes reads init's log: each program's runs alternate between
// "spawned" and "exited" or "stopped", every run has its exit, and each
// status is "exit status PID%mod", or a signal for a run that was stopped.
// It returns the number of runs checked.
func checkExitCodes(t *testing.T, log string, mod int) int {
	t.Helper()
	running := map[string]int{}
	runs := 0
	for _, l := range strings.Split(log, "\n") {
		if m := spawnedRE.FindStringSubmatch(l); m != nil {
			if running[m[1]] != 0 {
				t.Fatalf("%s spawned pid %s while pid %d's exit was not reported", m[1], m[2], running[m[1]])
			}
			running[m[1]], _ = strconv.Atoi(m[2])
			continue
		}
		m := endedRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		pid := running[m[1]]
		want := fmt.Sprintf("exit status %d", pid%mod)
		switch {
		case pid == 0:
			t.Fatalf("an exit of %s without a run: %q", m[1], l)
		case m[2] != want && !(strings.Contains(l, "stopped: ") && strings.HasPrefix(m[2], "signal ")):
			t.Fatalf("pid %d of %s: %q, want %q", pid, m[1], m[2], want)
		}
		running[m[1]] = 0
		runs++
	}
	for name, pid := range running {
		if pid != 0 {
			t.Fatalf("the exit of %s's pid %d was never reported", name, pid)
		}
	}
	return runs
}

// Signals rain on init for a while, of every kind that does not end it
// (HUP re-reads the config, USR2 reopens log files), while a program is
// started and stopped over and over: ctl and /livez keep answering in
// time, the storm leaves no goroutine behind, and init then shuts down
// as usual.
func TestStressSignalStorm(t *testing.T) {
	const stormFor = 8 * time.Second
	dir := t.TempDir()
	conf := writeConfig(t, fmt.Sprintf(`
[program:steady]
command=sleep 1000
startsecs=0
[program:flip]
command=sleep 1000
startsecs=0
autostart=false
[program:logged]
command=@PROG@ lines-term logged 1000000000 10ms
stdout_logfile=%s/logged.log
startsecs=0
`, dir))
	in, sock, c := stressInit(t, run{pid1: true}, conf)
	in.waitFor("programs running", 10*time.Second, func() bool {
		ps := programsOf(t, c)
		return ps["steady"].State == "RUNNING" && ps["logged"].State == "RUNNING"
	})
	steady := programsOf(t, c)["steady"].Pid
	goroutines := func() int { return int(metric(t, c, "go_goroutines")) }
	g0 := goroutines()

	storm := []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP, syscall.SIGWINCH, syscall.SIGCHLD,
		syscall.SIGALRM, syscall.SIGCONT, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGPIPE, 35, 50, 64}
	stop := make(chan struct{})
	var sent, flips atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, s := range storm {
				if syscall.Kill(in.pid, s) == nil {
					sent.Add(1)
				}
			}
		}
	}()
	go func() {
		defer wg.Done()
		for verb := "start"; ; {
			select {
			case <-stop:
				return
			default:
			}
			if out, code := ctl(t, sock, verb, "flip"); code != 0 {
				t.Errorf("ctl %s flip: exit %d %q", verb, code, out)
				return
			}
			flips.Add(1)
			verb = map[string]string{"start": "stop", "stop": "start"}[verb]
		}
	}()
	probes, worst := probeUntil(t, c, sock, time.Now().Add(stormFor), []int{0, 3})
	close(stop)
	wg.Wait()
	// flip is down again, as it was for the baseline: a run has goroutines.
	if out, code := ctl(t, sock, "stop", "flip"); code != 0 && !strings.Contains(out, "not running") {
		t.Fatalf("ctl stop flip: exit %d %q", code, out)
	}
	var g1 int
	in.waitFor("the storm's goroutines to end", 10*time.Second, func() bool { g1 = goroutines(); return g1 <= g0 })
	t.Logf("%v of storm: %d signals sent, %d starts and stops, %d probe rounds, slowest %v; goroutines %d -> %d",
		stormFor, sent.Load(), flips.Load(), probes, worst.Round(time.Millisecond), g0, g1)
	if p := programsOf(t, c)["steady"]; p.Pid != steady || p.State != "RUNNING" {
		t.Errorf("steady was disturbed: %+v, pid was %d", p, steady)
	}
	if flips.Load() < 10 {
		t.Errorf("only %d starts and stops got through", flips.Load())
	}
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
}

// probeLimit is how long a probe may take under stress: a kubelet's
// default timeoutSeconds is 1.
const probeLimit = time.Second

// probeUntil runs ctl status and GET /livez back to back until the
// deadline, failing the test on a wrong answer or one slower than
// probeLimit. ctl status must exit with one of codes. It returns the
// number of rounds and the slowest answer.
func probeUntil(t *testing.T, c *http.Client, sock string, deadline time.Time, codes []int) (int, time.Duration) {
	t.Helper()
	rounds, worst := 0, time.Duration(0)
	for time.Now().Before(deadline) {
		began := time.Now()
		out, code := ctl(t, sock, "status")
		if !slices.Contains(codes, code) {
			t.Fatalf("ctl status: exit %d\n%s", code, out)
		}
		worst = max(worst, time.Since(began))
		began = time.Now()
		if code, body := get(c, "/livez"); code != 200 {
			t.Fatalf("/livez: %d %s", code, body)
		}
		worst = max(worst, time.Since(began))
		rounds++
	}
	if worst > probeLimit {
		t.Errorf("a probe took %v, want under %v", worst, probeLimit)
	}
	return rounds, worst
}

// lineChecker reads the console output of programs running testprog
// lines-term as it streams, and checks that every line is whole, has its
// own program's prefix, and comes once and in order; each run of a
// program must end with its "end N" line.
type lineChecker struct {
	mu      sync.Mutex
	partial []byte
	progs   map[string]*progLines
	lines   int64
	initLog []string // init's own messages, when they come this way too
	err     error
}

// progLines is what one program printed so far.
type progLines struct {
	next int   // the next line number of the current run
	ends []int // the line count of each run that ended
}

// newLineChecker is an empty lineChecker, to be written to.
func newLineChecker() *lineChecker { return &lineChecker{progs: map[string]*progLines{}} }

// Write takes output as it comes, cut anywhere, and checks each whole line.
func (c *lineChecker) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data := p
	if len(c.partial) > 0 {
		c.partial = append(c.partial, p...)
		data = c.partial
	}
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		c.line(data[:i])
		data = data[i+1:]
	}
	c.partial = append(c.partial[:0], data...)
	return len(p), nil
}

var xs = bytes.Repeat([]byte("x"), 97)

// line checks "NAME | NAME SEQ XXX" and "NAME | NAME end COUNT".
func (c *lineChecker) line(l []byte) {
	if c.err != nil {
		return
	}
	if bytes.HasPrefix(l, []byte("vigil: ")) {
		c.initLog = append(c.initLog, string(l))
		return
	}
	name, rest, ok1 := bytes.Cut(l, []byte(" | "))
	name = bytes.TrimRight(name, " ") // padded to the longest name
	id, rest, ok2 := bytes.Cut(rest, []byte(" "))
	field, payload, ok3 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || !ok3 || !bytes.Equal(name, id) {
		c.err = fmt.Errorf("torn or misattributed line %.200q", l)
		return
	}
	pl := c.progs[string(name)]
	if pl == nil {
		pl = &progLines{}
		c.progs[string(name)] = pl
	}
	n, err := strconv.Atoi(string(payload))
	if string(field) == "end" {
		if err != nil || n != pl.next {
			c.err = fmt.Errorf("%s: run %d ends with %q after %d lines", name, len(pl.ends)+1, l, pl.next)
		}
		pl.ends = append(pl.ends, pl.next)
		pl.next = 0
		return
	}
	seq, err := strconv.Atoi(string(field))
	if err != nil || seq != pl.next || !bytes.Equal(payload, xs[:seq%97]) {
		c.err = fmt.Errorf("%s: got %.200q, want line %d", name, l, pl.next)
		return
	}
	pl.next++
	c.lines++
}

// ended returns the line counts of name's finished runs.
func (c *lineChecker) ended(name string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pl := c.progs[name]; pl != nil {
		return append([]int(nil), pl.ends...)
	}
	return nil
}

// check fails the test on a bad line or a run left without its end.
func (c *lineChecker) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		t.Fatal(c.err)
	}
	if len(c.partial) > 0 {
		t.Fatalf("output ends inside a line: %.200q", c.partial)
	}
	for name, pl := range c.progs {
		if pl.next != 0 {
			t.Fatalf("%s: the last run printed %d lines and no end", name, pl.next)
		}
	}
}

// Eight programs print 10^6 lines each at once, and one of them is
// restarted every second meanwhile: every line arrives whole, once, in
// order, and every run of the restarted one arrives complete.
func TestStressOutputWhileRestarting(t *testing.T) {
	const n = 1000000
	var conf strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&conf, "[program:p%d]\ncommand=@PROG@ lines-term p%d %d\nstartsecs=0\nautorestart=false\n", i, i, n)
	}
	lc := newLineChecker()
	began := time.Now()
	in, sock, _ := stressInit(t, run{pid1: true, stdout: lc}, writeConfig(t, conf.String()))
	others := func() bool {
		for i := 1; i < 8; i++ {
			if len(lc.ended(fmt.Sprintf("p%d", i))) == 0 {
				return false
			}
		}
		return true
	}
	restarts := 0
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	in.waitFor("the seven others to end, p0 restarted every second", 150*time.Second, func() bool {
		select {
		case <-tick.C:
			mustCtl(t, sock, "restart", "p0")
			restarts++
		default:
		}
		return others()
	})
	// p0's run that began with the last restart goes to its end.
	in.waitFor("p0's last run", 60*time.Second, func() bool {
		ends := lc.ended("p0")
		return len(ends) == restarts+1 && ends[restarts] == n
	})
	took := time.Since(began)
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	lc.check(t)
	for i := 1; i < 8; i++ {
		if ends := lc.ended(fmt.Sprintf("p%d", i)); len(ends) != 1 || ends[0] != n {
			t.Fatalf("p%d: runs of %v lines, want one of %d", i, ends, n)
		}
	}
	t.Logf("%d lines in %v (%.0f lines/s); p0 restarted %d times, its runs: %v",
		lc.lines, took.Round(time.Millisecond), float64(lc.lines)/took.Seconds(), restarts, lc.ended("p0"))
}

// hostPid finds the PID, as the test sees it, of the child of init whose
// PID in init's namespace (as the API gives it) is pid.
func hostPid(t *testing.T, in *instance, pid int) int {
	t.Helper()
	for _, c := range children(in.pid) {
		nspid, _ := procField(c, "status", "NSpid")
		if ids := strings.Fields(nspid); len(ids) > 0 && ids[len(ids)-1] == strconv.Itoa(pid) {
			return c
		}
	}
	t.Fatalf("init has no child of PID %d in its namespace", pid)
	return 0
}

// wchar is how many bytes a process has written, from /proc/PID/io, or
// -1 when that cannot be read.
func wchar(pid int) int64 {
	v, ok := procField(pid, "io", "wchar")
	if !ok {
		return -1
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// init's output, stdout and stderr on one pipe as docker run -t or 2>&1
// give it, has a reader that stops reading: the programs block writing
// instead of init buffering, init's own messages (a program that keeps
// exiting makes some) do not block its loop, the control plane answers all
// the while, and when the reader goes on every line arrives.
func TestStressBlockedStdout(t *testing.T) {
	const n = 300000
	conf := writeConfig(t, fmt.Sprintf(`
[program:p0]
command=@PROG@ lines-term p0 %d
startsecs=0
autorestart=false
[program:p1]
command=@PROG@ lines-term p1 %d
startsecs=0
autorestart=false
[program:flapper]
command=sh -c 'sleep 0.1; exit 1'
startsecs=0
autorestart=true
`, n, n))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	lc := newLineChecker()
	var hold sync.Mutex // held: the reader stops reading
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 64<<10)
		for {
			hold.Lock()
			k, err := r.Read(buf)
			hold.Unlock()
			lc.Write(buf[:k])
			if err != nil {
				return
			}
		}
	}()
	in, sock, c := stressInit(t, run{pid1: true, stdout: w, stderr: w}, conf)
	w.Close()
	in.waitFor("output from both", 10*time.Second, func() bool {
		lc.mu.Lock()
		defer lc.mu.Unlock()
		if lc.err != nil {
			t.Fatal(lc.err)
		}
		return lc.progs["p0"] != nil && lc.progs["p1"] != nil
	})
	hold.Lock()
	ps := programsOf(t, c)
	pids := []int{ps["p0"].Pid, ps["p1"].Pid}
	if pids[0] == 0 || pids[1] == 0 {
		t.Fatalf("programs ended before the output was blocked: %+v", ps)
	}
	host := []int{hostPid(t, in, pids[0]), hostPid(t, in, pids[1])}
	// Blocked: neither writes a byte for half a second.
	last, since := []int64{-1, -1}, time.Now()
	in.waitFor("both programs blocked writing", 10*time.Second, func() bool {
		now := []int64{wchar(host[0]), wchar(host[1])}
		if now[0] < 0 || now[1] < 0 {
			t.Fatalf("cannot read /proc/PID/io of %v", host)
		}
		if now[0] != last[0] || now[1] != last[1] {
			last, since = now, time.Now()
		}
		return time.Since(since) > 500*time.Millisecond
	})
	lc.mu.Lock()
	seen := lc.lines
	lc.mu.Unlock()
	flaps := programsOf(t, c)["flapper"].Restarts
	rounds, worst := probeUntil(t, c, sock, time.Now().Add(3*time.Second), []int{0, 3})
	ps = programsOf(t, c)
	if ps["p0"].Pid != pids[0] || ps["p1"].Pid != pids[1] || ps["flapper"].Restarts < flaps+10 {
		t.Fatalf("programs were not supervised as usual while the output was blocked: %+v", ps)
	}
	hold.Unlock()
	in.waitFor("every line", 60*time.Second, func() bool { return len(lc.ended("p0")) == 1 && len(lc.ended("p1")) == 1 })
	flaps = programsOf(t, c)["flapper"].Restarts
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	<-read
	lc.check(t)
	for _, name := range []string{"p0", "p1"} {
		if ends := lc.ended(name); ends[0] != n {
			t.Fatalf("%s printed %d lines, want %d", name, ends[0], n)
		}
	}
	exits := 0
	for _, l := range lc.initLog {
		if strings.Contains(l, "exited: flapper (not expected)") {
			exits++
		}
	}
	if exits < int(flaps) || exits > int(flaps)+1 {
		t.Fatalf("init reported %d exits of flapper, which restarted %d times:\n%s", exits, flaps, strings.Join(lc.initLog, "\n"))
	}
	t.Logf("blocked after %d lines; %d rounds of ctl status and /livez while blocked, slowest %v; then all %d lines arrived, and init's %d reports of flapper's exits",
		seen, rounds, worst.Round(time.Millisecond), lc.lines, exits)
}

// A program's log file is on a filesystem that fills up: init says so
// once, keeps running, keeps the file to whole lines, and writes again
// once there is room. The filesystem is a 1 MB tmpfs mounted in a mount
// namespace of init's own, reached from here through /proc/PID/root.
func TestStressLogFileOnFullDisk(t *testing.T) {
	dir := t.TempDir()
	conf := writeConfig(t, fmt.Sprintf(`
[program:app]
command=@PROG@ lines-term app 1000000000 1ms
stdout_logfile=%s/app.log
stdout_logfile_maxbytes=0
startsecs=0
`, dir))
	wrap := []string{"unshare", "--mount", "--propagation", "private",
		"sh", "-c", `mount -t tmpfs -o size=1m vigil-full "$0" && exec "$@"`, dir}
	in, sock, c := stressInit(t, run{pid1: true, wrap: wrap}, conf)
	// The harness took the wrapper's first child for init, which may have
	// been mount; once init answers it is the only child.
	in.pid = in.waitChild(in.cmd.Process.Pid)
	root := fmt.Sprintf("/proc/%d/root%s", in.pid, dir)
	var st unix.Statfs_t
	if err := unix.Statfs(root, &st); err != nil || st.Type != unix.TMPFS_MAGIC || st.Blocks*uint64(st.Bsize) > 1<<20 {
		t.Fatalf("%s is not the small tmpfs (statfs %v, type %#x, %d blocks): not filling it", root, err, st.Type, st.Blocks)
	}
	logFile := filepath.Join(root, "app.log")
	in.waitFor("the log file", 10*time.Second, func() bool { return lastLogLine(t, logFile) > 100 })
	filler := filepath.Join(root, "filler")
	fillUp(t, filler)
	in.waitOutput("cannot write program output to its log file")
	full := lastLogLine(t, logFile)
	// The program goes on printing into the full disk (some 60 bytes a
	// line), and init goes on working.
	app := hostPid(t, in, programsOf(t, c)["app"].Pid)
	w0 := wchar(app)
	in.waitFor("lines lost to the full disk", 10*time.Second, func() bool { return wchar(app) > w0+200*60 })
	probeUntil(t, c, sock, time.Now().Add(500*time.Millisecond), []int{0})
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// While the disk is nearly full a short line may still fit: each
	// such episode is reported, and each ends with a report of its own.
	in.waitFor("the end of the failure reported", 10*time.Second, func() bool {
		out := in.out.String()
		return strings.Count(out, "file again") == strings.Count(out, "cannot write program output to its log file")
	})
	in.waitFor("lines written after space came back", 10*time.Second, func() bool { return lastLogLine(t, logFile) > full+200 })
	// The file is read before init ends: its tmpfs goes with it.
	gaps := checkLogFile(t, logFile)
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	lost, episodes := 0, 0
	for _, m := range regexp.MustCompile(`file again .*lost_bytes=(\d+)`).FindAllStringSubmatch(in.out.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		lost += n
		episodes++
	}
	t.Logf("disk full at line %d; %d gap(s) in the file; init reported %d episode(s) and %d bytes lost", full, gaps, episodes, lost)
	if gaps == 0 || lost == 0 {
		t.Fatal("no line was lost to the full disk: the test did not fill it")
	}
}

// fillUp writes a file until the filesystem has no room left.
func fillUp(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// lastLogLine returns the number of the last whole line of an app log, or
// -1.
func lastLogLine(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	i := bytes.LastIndexByte(b[:max(0, len(b)-1)], '\n')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return -1
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// checkLogFile checks that the log holds whole "app N xxx" lines, N
// rising, and returns how many times N skipped ahead. A last line that is
// still being written is left out.
func checkLogFile(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	prev, gaps := -1, 0
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.SplitN(l, " ", 3)
		n := -1
		if len(f) == 3 && f[0] == "app" && f[2] == strings.Repeat("x", len(f[2])) {
			if v, err := strconv.Atoi(f[1]); err == nil && len(f[2]) == v%97 {
				n = v
			}
		}
		if n <= prev {
			t.Fatalf("bad line after line %d: %.200q", prev, l)
		}
		if n != prev+1 {
			gaps++
		}
		prev = n
	}
	return gaps
}

// processesTagged lists the processes whose command line holds tag.
func processesTagged(tag string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if bytes.Contains(b, []byte(tag)) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}

// Programs that resist their shutdown: one ignores its stopsignal, one
// leaves a child that ignores it, one leaves a child that called setsid
// and so is out of reach of its stopasgroup. The shutdown still ends in
// time and nothing is left running, as PID 1 and as a subreaper, whether
// stopwaitsecs or the shutdown deadline is what runs out.
func TestStressStubbornShutdown(t *testing.T) {
	for _, m := range modes {
		for _, tc := range []struct {
			name     string
			stopwait int
			args     []string
			// The shutdown takes at least what the stubborn processes
			// force it to wait, and little more.
			least, within time.Duration
		}{
			// ignorer is killed after stopwaitsecs (1s), what the
			// others left after --grace (1s more).
			{"stopwait", 1, []string{"--grace", "1s"}, 2 * time.Second, 2*time.Second + 500*time.Millisecond},
			// ignorer would wait 60s: the deadline ends it all.
			{"deadline", 60, []string{"--shutdown-timeout", "3s"}, 3 * time.Second, 3*time.Second + 500*time.Millisecond},
		} {
			t.Run(m.name+"/"+tc.name, func(t *testing.T) {
				tag := fmt.Sprintf("stubborn-%d", time.Now().UnixNano())
				conf := writeConfig(t, fmt.Sprintf(`
[program:ignorer]
command=@PROG@ stubborn %[1]s
stopwaitsecs=%[2]d
startsecs=0
[program:parent]
command=@PROG@ stubborn-tree %[1]s
startsecs=0
[program:escaper]
command=@PROG@ stubborn-setsid %[1]s
stopasgroup=true
startsecs=0
`, tag, tc.stopwait))
				in, _, _ := stressInit(t, run{pid1: m.pid1, args: tc.args}, conf)
				defer func() {
					for _, p := range processesTagged(tag) {
						pid, _ := strconv.Atoi(strings.Split(p, ":")[0])
						syscall.Kill(pid, syscall.SIGKILL)
					}
				}()
				in.waitFor("three stubborn processes", 10*time.Second, func() bool {
					return strings.Count(in.out.String(), "stubborn ready") == 3 && len(processesTagged(tag)) == 5
				})
				began := time.Now()
				in.signal(syscall.SIGTERM)
				code := in.wait(20 * time.Second)
				took := time.Since(began)
				left := processesTagged(tag)
				t.Logf("shutdown took %v (want %v to %v), exit %d, %d left", took.Round(time.Millisecond), tc.least, tc.within, code, len(left))
				if took < tc.least || took > tc.within {
					t.Errorf("shutdown took %v, want %v to %v\n%s", took, tc.least, tc.within, in.out)
				}
				if len(left) > 0 {
					t.Errorf("left running:\n%s\n%s", strings.Join(left, "\n"), in.out)
				}
			})
		}
	}
}
