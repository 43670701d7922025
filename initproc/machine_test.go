package initproc

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
)

func testProc(mod func(*config.Process)) *config.Process {
	p := &config.Process{Name: "web", StartSecs: time.Second, StartRetries: 3,
		AutoRestart: config.RestartUnexpected, ExitCodes: []int{0}, StopSignal: syscall.SIGTERM,
		StopWait: 10 * time.Second, BackoffMax: time.Minute}
	if mod != nil {
		mod(p)
	}
	return p
}

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func exitCode(code int, at time.Time) Exit {
	return Exit{Pid: 1, Status: unix.WaitStatus(code << 8), Time: at}
}

// kinds lists the kinds of actions, for compact assertions.
func kinds(acts []action) []actionKind {
	var k []actionKind
	for _, a := range acts {
		k = append(k, a.kind)
	}
	return k
}

func wantActs(t *testing.T, got []action, want ...actionKind) {
	t.Helper()
	g := kinds(got)
	if len(g) != len(want) {
		t.Fatalf("actions %v, want %v", g, want)
	}
	for i := range g {
		if g[i] != want[i] {
			t.Fatalf("actions %v, want %v", g, want)
		}
	}
}

func wantState(t *testing.T, m *machine, s State) {
	t.Helper()
	if m.state != s {
		t.Fatalf("state %s, want %s", m.state, s)
	}
}

func TestStartToRunning(t *testing.T) {
	m := newMachine(testProc(nil))
	acts, err := m.start(t0)
	if err != nil {
		t.Fatal(err)
	}
	wantActs(t, acts, actSpawn)
	wantState(t, m, Starting)
	acts = m.spawned(t0)
	wantActs(t, acts, actTimer)
	if acts[0].delay != time.Second || acts[0].timer != timerStartSecs {
		t.Fatalf("startsecs timer %+v", acts[0])
	}
	if got := m.fired(timerStartSecs, acts[0].gen, true); got != nil {
		t.Fatalf("promotion gave actions %v", kinds(got))
	}
	wantState(t, m, Running)
	if _, err := m.start(t0); !errors.Is(err, errAlreadyStarted) {
		t.Fatalf("start while RUNNING: %v", err)
	}
}

func TestStartsecsZeroIsRunningAtOnce(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.StartSecs = 0 }))
	m.start(t0)
	wantActs(t, m.spawned(t0))
	wantState(t, m, Running)
}

// Supervisor #1285: a process that died just before startsecs, whose exit
// has not reached the loop yet, must not be promoted.
func TestDeadAtStartsecsIsNotPromoted(t *testing.T) {
	m := newMachine(testProc(nil))
	m.start(t0)
	timer := m.spawned(t0)[0]
	wantActs(t, m.fired(timerStartSecs, timer.gen, false))
	wantState(t, m, Starting)
	wantActs(t, m.exited(exitCode(0, t0.Add(999*time.Millisecond))), actTimer)
	wantState(t, m, Backoff)
}

// supervisord: 1 + startretries attempts, waiting 1s, 2s, 3s between them,
// then FATAL; an expected exit code does not help a start that was too quick.
func TestCrashLoopReachesFatal(t *testing.T) {
	m := newMachine(testProc(nil))
	m.start(t0)
	now := t0
	var delays []time.Duration
	for attempt := 1; ; attempt++ {
		m.spawned(now)
		acts := m.exited(exitCode(0, now.Add(100*time.Millisecond)))
		if m.state == Fatal {
			wantActs(t, acts, actEnded)
			if attempt != 4 {
				t.Fatalf("FATAL after %d attempts, want 1+startretries = 4", attempt)
			}
			break
		}
		wantState(t, m, Backoff)
		wantActs(t, acts, actTimer)
		delays = append(delays, acts[0].delay)
		now = now.Add(acts[0].delay)
		wantActs(t, m.fired(timerBackoff, acts[0].gen, false), actSpawn)
		wantState(t, m, Starting)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	for i := range want {
		if delays[i] != want[i] {
			t.Fatalf("backoff delays %v, want %v", delays, want)
		}
	}
	// A manual start after FATAL begins afresh.
	if _, err := m.start(now); err != nil {
		t.Fatal(err)
	}
	m.spawned(now)
	wantActs(t, m.exited(exitCode(1, now)), actTimer)
	wantState(t, m, Backoff)
}

func TestExponentialBackoff(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) {
		p.Backoff, p.BackoffMax, p.StartRetries = config.BackoffExponential, 5*time.Second, 10
	}))
	m.start(t0)
	var got []time.Duration
	for i := 0; i < 6; i++ {
		m.spawned(t0)
		a := m.exited(exitCode(1, t0))[0]
		got = append(got, a.delay)
		m.fired(timerBackoff, a.gen, false)
	}
	want := []time.Duration{1, 2, 4, 5, 5, 5}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("delays %v, want %v seconds", got, want)
		}
	}
}

func TestReachingRunningResetsRetries(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.AutoRestart = config.RestartAlways }))
	m.start(t0)
	for i := 0; i < 10; i++ {
		m.spawned(t0)
		a := m.exited(exitCode(1, t0))[0]
		m.fired(timerBackoff, a.gen, false)
		if i%2 == 1 { // every other run lives past startsecs
			tm := m.spawned(t0)[0]
			m.fired(timerStartSecs, tm.gen, true)
			wantActs(t, m.exited(exitCode(1, t0.Add(time.Hour))), actSpawn)
		}
	}
	if m.state == Fatal {
		t.Fatal("reached FATAL although RUNNING was reached between failures")
	}
}

func TestAutorestart(t *testing.T) {
	sig := Exit{Pid: 1, Status: unix.WaitStatus(syscall.SIGKILL), Time: t0}
	for _, tc := range []struct {
		mode    config.AutoRestart
		exit    Exit
		restart bool
	}{
		{config.RestartUnexpected, exitCode(0, t0), false},
		{config.RestartUnexpected, exitCode(2, t0), true},
		{config.RestartUnexpected, sig, true},
		{config.RestartAlways, exitCode(0, t0), true},
		{config.RestartNever, exitCode(2, t0), false},
	} {
		m := newMachine(testProc(func(p *config.Process) { p.AutoRestart = tc.mode; p.StartSecs = 0 }))
		m.start(t0)
		m.spawned(t0)
		acts := m.exited(tc.exit)
		if tc.restart {
			wantActs(t, acts, actSpawn)
			wantState(t, m, Starting)
		} else {
			wantActs(t, acts, actEnded)
			wantState(t, m, Exited)
		}
	}
}

func TestExitCodesList(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.ExitCodes = []int{0, 2}; p.StartSecs = 0 }))
	m.start(t0)
	m.spawned(t0)
	wantActs(t, m.exited(exitCode(2, t0)), actEnded)
}

func TestRestartDelay(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.RestartDelay = 3 * time.Second; p.StartSecs = 0 }))
	m.start(t0)
	m.spawned(t0)
	acts := m.exited(exitCode(1, t0))
	wantActs(t, acts, actTimer)
	wantState(t, m, Exited)
	if acts[0].delay != 3*time.Second {
		t.Fatalf("delay %v", acts[0].delay)
	}
	wantActs(t, m.fired(timerRestart, acts[0].gen, false), actSpawn)
	// Stopped while waiting: the timer must not bring it back.
	m.spawned(t0)
	acts = m.exited(exitCode(1, t0))
	if _, err := m.stop(); err != nil {
		t.Fatal(err)
	}
	wantState(t, m, Stopped)
	wantActs(t, m.fired(timerRestart, acts[0].gen, false))
}

func TestStop(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) {
		p.StopSignal, p.StopAsGroup, p.KillAsGroup, p.StartSecs = syscall.SIGINT, true, true, 0
	}))
	if _, err := m.stop(); !errors.Is(err, errNotRunning) {
		t.Fatalf("stop while STOPPED: %v", err)
	}
	m.start(t0)
	m.spawned(t0)
	acts, err := m.stop()
	if err != nil {
		t.Fatal(err)
	}
	wantActs(t, acts, actSignal, actTimer)
	if acts[0].sig != syscall.SIGINT || !acts[0].group || acts[1].delay != 10*time.Second {
		t.Fatalf("stop actions %+v", acts)
	}
	kill := m.fired(timerKill, acts[1].gen, true)
	wantActs(t, kill, actSignal)
	if kill[0].sig != syscall.SIGKILL || !kill[0].group {
		t.Fatalf("kill %+v", kill[0])
	}
	wantActs(t, m.exited(exitCode(0, t0)))
	wantState(t, m, Stopped)
	// A stale kill timer does nothing once the process is gone.
	wantActs(t, m.fired(timerKill, acts[1].gen, true))
}

func TestStopInBackoffIsImmediate(t *testing.T) {
	m := newMachine(testProc(nil))
	m.start(t0)
	m.spawned(t0)
	a := m.exited(exitCode(1, t0))[0]
	acts, err := m.stop()
	if err != nil || len(acts) != 0 {
		t.Fatalf("stop in BACKOFF: %v %v", kinds(acts), err)
	}
	wantState(t, m, Stopped)
	wantActs(t, m.fired(timerBackoff, a.gen, false))
}

func TestSpawnErrorsCountAsFailedStarts(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.StartRetries = 1 }))
	m.start(t0)
	a := m.spawnFailed(t0, &StartError{Command: "x", Err: syscall.ENOENT, Code: 127})[0]
	wantState(t, m, Backoff)
	m.fired(timerBackoff, a.gen, false)
	wantActs(t, m.spawnFailed(t0, &StartError{Command: "x", Err: syscall.ENOENT, Code: 127}), actEnded)
	wantState(t, m, Fatal)
	if m.code() != 127 || m.spawnErr == "" {
		t.Fatalf("code %d spawnErr %q", m.code(), m.spawnErr)
	}
}

func TestHaltingNeverRestarts(t *testing.T) {
	m := newMachine(testProc(func(p *config.Process) { p.AutoRestart = config.RestartAlways; p.StartSecs = 0 }))
	m.start(t0)
	m.spawned(t0)
	m.halting = true
	wantActs(t, m.exited(exitCode(1, t0)), actEnded)
	wantState(t, m, Exited)
}

func TestTransitionsTable(t *testing.T) {
	all := []State{Stopped, Starting, Running, Backoff, Stopping, Exited, Fatal}
	allowed := 0
	for _, from := range all {
		for _, to := range all {
			if from.check(to) == nil {
				allowed++
			}
		}
	}
	if allowed != 13 {
		t.Fatalf("%d allowed transitions, want the 13 of the table", allowed)
	}
	if Running.check(Backoff) == nil || Stopped.check(Running) == nil || Fatal.check(Running) == nil {
		t.Fatal("an invalid transition is allowed")
	}
	if Running.String() != "RUNNING" || State(7).String() != "State(7)" {
		t.Fatal("state names")
	}
}
