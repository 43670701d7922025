package initproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
)

// maxProbeOutput bounds what a check keeps of its output: it ends up in every
// status snapshot, and a chatty check must not grow init's memory.
const maxProbeOutput = 4 << 10

// probeDrainGrace is how long a command check's output is still read after
// the command ended: a background process it left behind may hold the pipe
// open, and the check must not wait for that.
const probeDrainGrace = 100 * time.Millisecond

// probe runs one check; output is a short (≤ 4 KiB) description for status.
type probe func(ctx context.Context) (output string, err error)

// newProbe returns the probe hc describes. A command runs as the program
// it checks runs: base gives its environment, directory and user.
func newProbe(hc *config.HealthCheck, r *Reaper, base Spec) probe {
	switch {
	case len(hc.Command) > 0:
		base.Argv = append([]string(nil), hc.Command...)
		base.Env = append([]string(nil), base.Env...)
		return func(ctx context.Context) (string, error) { return commandProbe(ctx, r, base) }
	case hc.HTTP != "":
		return httpProbe(hc.HTTP)
	case hc.TCP != "":
		return tcpProbe(hc.TCP)
	}
	return func(context.Context) (string, error) { return "", errors.New("no health check configured") }
}

// commandProbe runs argv in a process group of its own, so that on timeout
// the whole group can be killed: a shell's children would otherwise outlive
// it and pile up with every check.
func commandProbe(ctx context.Context, r *Reaper, spec Spec) (string, error) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return "", err
	}
	defer devnull.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer pr.Close()
	spec.Pgroup, spec.Foreground = true, false
	spec.Files = []uintptr{devnull.Fd(), pw.Fd(), pw.Fd()}
	pid, exited, err := r.StartSpec(spec)
	pw.Close()
	if err != nil {
		return "", err
	}
	out := &boundedBuffer{max: maxProbeOutput}
	read := make(chan struct{})
	go func() {
		defer close(read)
		io.Copy(out, pr)
	}()
	e, timedOut := waitProbe(ctx, pid, exited)
	// Whatever the command left running in its group goes too, so nothing
	// of one check lives on into the next. The group cannot have been
	// reused: its ID stays taken while any member is alive.
	unix.Kill(-pid, unix.SIGKILL)
	pr.SetReadDeadline(time.Now().Add(probeDrainGrace))
	<-read
	return probeResult(ctx, out.String(), e, timedOut)
}

// waitProbe waits for the command to end, killing its group when ctx ends
// first; the status is still collected then, by the reaper as always.
func waitProbe(ctx context.Context, pid int, exited <-chan Exit) (Exit, bool) {
	select {
	case e := <-exited:
		return e, false
	case <-ctx.Done():
		unix.Kill(-pid, unix.SIGKILL)
		return <-exited, true
	}
}

func probeResult(ctx context.Context, out string, e Exit, timedOut bool) (string, error) {
	switch {
	case timedOut:
		return out, ctx.Err()
	case e.Code() != 0:
		return out, errors.New(e.String())
	}
	return out, nil
}

// httpProbe follows curl -f: any status below 400 is healthy, and redirects
// are not followed, so a 3xx counts as it is.
func httpProbe(url string) probe {
	client := &http.Client{
		// A fresh connection each time, as curl would make: a kept-alive
		// one could hide a server that no longer accepts any. No proxy
		// either, though the environment may name one: the program to
		// check is right here.
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		return httpResult(resp)
	}
}

// httpResult puts the status line in the error when the check failed, and
// in the output when it passed, so that it is shown once either way.
func httpResult(resp *http.Response) (string, error) {
	out := &boundedBuffer{max: maxProbeOutput}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProbeOutput))
	if resp.StatusCode >= 400 {
		out.Write(body)
		return out.String(), errors.New("HTTP " + resp.Status)
	}
	fmt.Fprintf(out, "HTTP %s\n%s", resp.Status, body)
	return out.String(), nil
}

func tcpProbe(addr string) probe {
	return func(ctx context.Context) (string, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return "connected to " + c.RemoteAddr().String(), nil
	}
}

// boundedBuffer keeps the first max bytes written and swallows the rest, so
// that a writer that goes on is neither blocked nor kept in memory.
type boundedBuffer struct {
	max int
	b   []byte
}

func (w *boundedBuffer) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// String drops a rune the bound cut in two, so that the output stays valid
// text for the status API.
func (w *boundedBuffer) String() string {
	b := w.b
	i := len(b) - 1
	for i > 0 && i > len(b)-utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	if i >= 0 && !utf8.FullRune(b[i:]) {
		b = b[:i]
	}
	return string(b)
}

// healthTracker turns check results into Docker's health states. It reads no
// clock, so that its rules can be tested with chosen times.
type healthTracker struct {
	retries  int
	graceEnd time.Time
	failures int
	st       HealthState
	seen     bool
}

func newHealthTracker(hc *config.HealthCheck, start time.Time) *healthTracker {
	retries := hc.Retries
	if retries <= 0 {
		retries = config.DefaultHealthcheckRetries
	}
	return &healthTracker{retries: retries, graceEnd: start.Add(hc.StartPeriod), st: HealthStarting}
}

// result records a check that started at now. The first result always counts
// as a change: it is the first output there is to show, even when a failure
// in the start period leaves the state as it was.
//
// As in Docker, the start period only spares a program that has never been
// healthy: once it passed a check, failures count at once.
func (t *healthTracker) result(now time.Time, ok bool) (state HealthState, changed bool) {
	prev, first := t.st, !t.seen
	t.seen = true
	switch {
	case ok:
		t.failures = 0
		t.st = HealthHealthy
	case t.st == HealthStarting && now.Before(t.graceEnd):
	default:
		t.failures++
		if t.failures >= t.retries {
			t.st = HealthUnhealthy
		}
	}
	return t.st, first || t.st != prev
}

func (t *healthTracker) state() HealthState { return t.st }

// startHealthChecker checks on hc's schedule in a goroutine of its own until
// stop is closed, and reports each change of state, and the first result.
// A check in progress is cancelled by stop, and its result dropped.
func startHealthChecker(hc *config.HealthCheck, p probe, start time.Time, report func(HealthState, string), stop <-chan struct{}) {
	go Guard(slog.Default(), "health check", func() { runHealthChecker(hc, p, start, report, stop) })
}

// runHealthChecker is the checker's goroutine. It returns only once every
// goroutine and timer it started is gone.
func runHealthChecker(hc *config.HealthCheck, p probe, start time.Time, report func(HealthState, string), stop <-chan struct{}) {
	interval := orDefault(hc.Interval, config.DefaultHealthcheckInterval)
	timeout := orDefault(hc.Timeout, config.DefaultHealthcheckTimeout)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { cancelOnStop(ctx, cancel, stop) })
	defer wg.Wait()
	defer cancel()

	t := newHealthTracker(hc, start)
	// Docker runs the first check one interval after the start, and each
	// next one an interval after the previous one ended.
	timer := time.NewTimer(time.Until(start.Add(interval)))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		began := time.Now()
		out, err := runProbe(ctx, p, timeout)
		if ctx.Err() != nil {
			return
		}
		if st, changed := t.result(began, err == nil); changed {
			report(st, describeProbe(out, err))
		}
		timer.Reset(interval)
	}
}

func cancelOnStop(ctx context.Context, cancel context.CancelFunc, stop <-chan struct{}) {
	select {
	case <-stop:
		cancel()
	case <-ctx.Done():
	}
}

// runProbe words a timeout the same way for every kind of check.
func runProbe(ctx context.Context, p probe, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := p(ctx)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %v", timeout)
	}
	return out, err
}

// describeProbe puts why a check failed before what it printed, both within
// the output bound.
func describeProbe(out string, err error) string {
	s := strings.TrimSpace(out)
	if err != nil {
		s = strings.TrimSpace(err.Error() + "\n" + s)
	}
	b := &boundedBuffer{max: maxProbeOutput}
	b.Write([]byte(s))
	return b.String()
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
