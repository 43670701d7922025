package initproc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
)

func TestHealthTracker(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		at      time.Duration // since the run's start
		ok      bool
		want    HealthState
		changed bool
	}
	for _, tc := range []struct {
		name  string
		hc    config.HealthCheck
		steps []step
	}{
		{"first success", config.HealthCheck{Retries: 3}, []step{
			{1 * time.Second, true, HealthHealthy, true},
			{2 * time.Second, true, HealthHealthy, false},
		}},
		{"first failure is reported though the state stays", config.HealthCheck{Retries: 3}, []step{
			{1 * time.Second, false, HealthStarting, true},
			{2 * time.Second, false, HealthStarting, false},
			{3 * time.Second, false, HealthUnhealthy, true},
			{4 * time.Second, false, HealthUnhealthy, false},
		}},
		{"start period spares failures", config.HealthCheck{Retries: 1, StartPeriod: 10 * time.Second}, []step{
			{1 * time.Second, false, HealthStarting, true},
			{9 * time.Second, false, HealthStarting, false},
			{10 * time.Second, false, HealthUnhealthy, true},
		}},
		{"success in the start period makes it healthy", config.HealthCheck{Retries: 1, StartPeriod: 10 * time.Second}, []step{
			{1 * time.Second, false, HealthStarting, true},
			{2 * time.Second, true, HealthHealthy, true},
		}},
		{"start period ends with the first success", config.HealthCheck{Retries: 2, StartPeriod: time.Minute}, []step{
			{1 * time.Second, true, HealthHealthy, true},
			{2 * time.Second, false, HealthHealthy, false},
			{3 * time.Second, false, HealthUnhealthy, true},
		}},
		{"success resets the count", config.HealthCheck{Retries: 2}, []step{
			{1 * time.Second, true, HealthHealthy, true},
			{2 * time.Second, false, HealthHealthy, false},
			{3 * time.Second, true, HealthHealthy, false},
			{4 * time.Second, false, HealthHealthy, false},
			{5 * time.Second, false, HealthUnhealthy, true},
		}},
		{"unhealthy to healthy", config.HealthCheck{Retries: 1}, []step{
			{1 * time.Second, false, HealthUnhealthy, true},
			{2 * time.Second, true, HealthHealthy, true},
			{3 * time.Second, false, HealthUnhealthy, true},
		}},
		{"zero retries means the default", config.HealthCheck{}, []step{
			{1 * time.Second, false, HealthStarting, true},
			{2 * time.Second, false, HealthStarting, false},
			{3 * time.Second, false, HealthUnhealthy, true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newHealthTracker(&tc.hc, t0)
			if tr.state() != HealthStarting {
				t.Fatalf("initial state %v, want starting", tr.state())
			}
			for i, s := range tc.steps {
				st, changed := tr.result(t0.Add(s.at), s.ok)
				if st != s.want || changed != s.changed || tr.state() != st {
					t.Fatalf("step %d (%v, ok=%v): got %v changed=%v (state() %v), want %v changed=%v",
						i, s.at, s.ok, st, changed, tr.state(), s.want, s.changed)
				}
			}
		})
	}
}

// probeReaper runs a reaper for the test's children the way init does:
// collecting on every SIGCHLD.
func probeReaper(t *testing.T) *Reaper {
	r := NewReaper(slog.New(slog.NewTextHandler(io.Discard, nil)))
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGCHLD)
	stop := make(chan struct{})
	go r.Run(stop)
	go func() {
		for {
			select {
			case <-sigs:
				r.Kick()
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(func() {
		signal.Stop(sigs)
		close(stop)
	})
	return r
}

func runTestProbe(p probe, timeout time.Duration) (string, time.Duration, error) {
	began := time.Now()
	out, err := runProbe(context.Background(), p, timeout)
	return out, time.Since(began), err
}

func TestHTTPProbe(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "all good") })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "db down", 500) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/fail", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		path, out, err string
	}{
		{"/ok", "HTTP 200 OK\nall good", ""},
		{"/fail", "db down", "HTTP 500 Internal Server Error"},
		{"/moved", "HTTP 302 Found", ""}, // curl -f without -L: a redirect passes as it is
		{"/slow", "", "timed out after 200ms"},
	} {
		hc := &config.HealthCheck{HTTP: srv.URL + tc.path}
		out, took, err := runTestProbe(newProbe(hc, nil, Spec{}), 200*time.Millisecond)
		checkProbe(t, tc.path, out, err, tc.out, tc.err)
		if took > 5*time.Second {
			t.Errorf("%s: took %v", tc.path, took)
		}
	}
}

// checkProbe wants output to contain out and the error to contain errText,
// or no error when errText is empty.
func checkProbe(t *testing.T, name, out string, err error, wantOut, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("%s: unexpected error %v (output %q)", name, err, out)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("%s: error %v, want one containing %q", name, err, wantErr)
	case !strings.Contains(out, wantOut):
		t.Errorf("%s: output %q, want it to contain %q", name, out, wantOut)
	}
}

func TestTCPProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	out, _, err := runTestProbe(newProbe(&config.HealthCheck{TCP: ln.Addr().String()}, nil, Spec{}), time.Second)
	checkProbe(t, "open port", out, err, "connected to "+ln.Addr().String(), "")
	out, _, err = runTestProbe(newProbe(&config.HealthCheck{TCP: closedAddr}, nil, Spec{}), time.Second)
	checkProbe(t, "closed port", out, err, "", "refused")
}

func TestCommandProbe(t *testing.T) {
	r := probeReaper(t)
	env := []string{"PATH=/usr/bin:/bin", "GREETING=hi"}
	for _, tc := range []struct {
		name, script, out, err string
	}{
		{"success", `echo $GREETING; echo oops >&2; exit 0`, "hi\noops\n", ""},
		{"failure", `echo broken; exit 1`, "broken", "exit status 1"},
		{"signal", `kill -9 $$`, "", "signal KILL"},
		{"missing", ``, "", "command not found"},
	} {
		argv := []string{"sh", "-c", tc.script}
		if tc.name == "missing" {
			argv = []string{"no-such-health-command"}
		}
		out, _, err := runTestProbe(newProbe(&config.HealthCheck{Command: argv}, r, Spec{Env: env}), 5*time.Second)
		checkProbe(t, tc.name, out, err, tc.out, tc.err)
	}
}

// A check that outlives its timeout is killed with its whole group, and what
// it printed before is kept.
func TestCommandProbeTimeout(t *testing.T) {
	r := probeReaper(t)
	hc := &config.HealthCheck{Command: []string{"sh", "-c", "echo $$; exec sleep 10"}}
	out, took, err := runTestProbe(newProbe(hc, r, Spec{Env: []string{"PATH=/usr/bin:/bin"}}), 200*time.Millisecond)
	checkProbe(t, "sleep", out, err, "", "timed out after 200ms")
	if took > 3*time.Second {
		t.Errorf("timed-out check took %v", took)
	}
	pgid, perr := strconv.Atoi(strings.TrimSpace(out))
	if perr != nil {
		t.Fatalf("output %q: %v", out, perr)
	}
	if err := unix.Kill(-pgid, 0); !errors.Is(err, unix.ESRCH) {
		t.Errorf("process group %d still there after the timeout: %v", pgid, err)
	}
}

// What a check leaves running in the background is killed when it ends, and
// the pipe it holds open does not keep the check waiting.
func TestCommandProbeLeftovers(t *testing.T) {
	r := probeReaper(t)
	hc := &config.HealthCheck{Command: []string{"sh", "-c", "sleep 10 & echo $!"}}
	out, took, err := runTestProbe(newProbe(hc, r, Spec{Env: []string{"PATH=/usr/bin:/bin"}}), 5*time.Second)
	checkProbe(t, "background", out, err, "", "")
	if took > 3*time.Second {
		t.Errorf("check with a background child took %v", took)
	}
	pid, perr := strconv.Atoi(strings.TrimSpace(out))
	if perr != nil {
		t.Fatalf("output %q: %v", out, perr)
	}
	// It is no child of ours, so it may linger as a zombie until whoever
	// adopted it reaps it; dead is all that matters.
	deadline := time.Now().Add(3 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("background process %d of the check still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// A check that prints without end is neither kept whole nor left blocked
// on a full pipe.
func TestCommandProbeOutputBound(t *testing.T) {
	r := probeReaper(t)
	hc := &config.HealthCheck{Command: []string{"sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a"}}
	out, _, err := runTestProbe(newProbe(hc, r, Spec{Env: []string{"PATH=/usr/bin:/bin"}}), 10*time.Second)
	if err != nil || len(out) != maxProbeOutput || strings.Trim(out, "a") != "" {
		t.Fatalf("got %d bytes, err %v; want %d a's", len(out), err, maxProbeOutput)
	}
}

func TestProbeOutputStaysValidText(t *testing.T) {
	b := &boundedBuffer{max: 5}
	b.Write([]byte("abcdé")) // é is two bytes: the bound cuts it
	if got := b.String(); got != "abcd" {
		t.Fatalf("got %q, want %q", got, "abcd")
	}
	if got := describeProbe("  out\n", errors.New("exit status 1")); got != "exit status 1\nout" {
		t.Fatalf("describeProbe: %q", got)
	}
}

type healthReport struct {
	state HealthState
	out   string
}

// The checker end to end: it waits an interval before the first check,
// reports starting, healthy, unhealthy and healthy again as the probe
// flips, and is wholly gone once stopped.
func TestHealthCheckerReportsChanges(t *testing.T) {
	hc := &config.HealthCheck{Interval: 50 * time.Millisecond, Timeout: time.Second, Retries: 2, StartPeriod: time.Minute}
	var healthy atomic.Bool
	var firstCall atomic.Int64
	p := func(context.Context) (string, error) {
		firstCall.CompareAndSwap(0, time.Now().UnixNano())
		if healthy.Load() {
			return "fine", nil
		}
		return "", errors.New("down")
	}
	reports := make(chan healthReport, 100)
	report := func(st HealthState, out string) { reports <- healthReport{st, out} }
	stop := make(chan struct{})
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		runHealthChecker(hc, p, start, report, stop)
	}()

	expectReport(t, reports, HealthStarting, "down")
	if first := time.Unix(0, firstCall.Load()); first.Sub(start) < hc.Interval {
		t.Errorf("first check %v after the start, before the interval", first.Sub(start))
	}
	healthy.Store(true)
	expectReport(t, reports, HealthHealthy, "fine")
	healthy.Store(false)
	expectReport(t, reports, HealthUnhealthy, "down")
	healthy.Store(true)
	expectReport(t, reports, HealthHealthy, "fine")

	close(stop)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("checker still running after stop")
	}
	select {
	case r := <-reports:
		t.Fatalf("report %v %q after the last change", r.state, r.out)
	default:
	}
}

func expectReport(t *testing.T, reports <-chan healthReport, st HealthState, out string) {
	t.Helper()
	select {
	case r := <-reports:
		if r.state != st || r.out != out {
			t.Fatalf("report %v %q, want %v %q", r.state, r.out, st, out)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no report of %v", st)
	}
}

// Stopping cancels the check in progress, and its result is not reported.
func TestHealthCheckerStopCancelsProbe(t *testing.T) {
	hc := &config.HealthCheck{Interval: 10 * time.Millisecond, Timeout: time.Minute}
	started := make(chan struct{})
	cancelled := make(chan struct{})
	p := func(ctx context.Context) (string, error) {
		close(started)
		<-ctx.Done()
		close(cancelled)
		return "", ctx.Err()
	}
	var reported atomic.Bool
	stop := make(chan struct{})
	startHealthChecker(hc, p, time.Now(), func(HealthState, string) { reported.Store(true) }, stop)
	<-started
	close(stop)
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("probe not cancelled by stop")
	}
	if reported.Load() {
		t.Fatal("a cancelled check was reported")
	}
}

// A command check in progress is killed by stop, not left to run out.
func TestHealthCheckerStopKillsCommand(t *testing.T) {
	r := probeReaper(t)
	hc := &config.HealthCheck{Command: []string{"sleep", "10"}, Interval: 10 * time.Millisecond, Timeout: time.Minute}
	inner := newProbe(hc, r, Spec{Env: []string{"PATH=/usr/bin:/bin"}})
	running := make(chan struct{})
	finished := make(chan time.Time, 1)
	p := func(ctx context.Context) (string, error) {
		close(running)
		defer func() { finished <- time.Now() }()
		return inner(ctx)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		runHealthChecker(hc, p, time.Now(), func(HealthState, string) {}, stop)
	}()
	<-running
	waitForChild(t, "sleep")
	stopped := time.Now()
	close(stop)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("checker still running after stop")
	}
	if took := (<-finished).Sub(stopped); took > 3*time.Second {
		t.Fatalf("command check ended %v after stop", took)
	}
}

// waitForChild waits until this process has a child with command name comm:
// the check's command has really started.
func waitForChild(t *testing.T, comm string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		tasks, _ := filepath.Glob("/proc/self/task/*/children")
		for _, task := range tasks {
			b, _ := os.ReadFile(task)
			for _, pid := range strings.Fields(string(b)) {
				if c, _ := os.ReadFile("/proc/" + pid + "/comm"); strings.TrimSpace(string(c)) == comm {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s child appeared", comm)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
