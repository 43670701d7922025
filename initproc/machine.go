package initproc

import (
	"errors"
	"slices"
	"syscall"
	"time"

	"github.com/vigil-sh/vigil/config"
)

// actionKind is what the supervisor loop must do for a program.
type actionKind int

const (
	actSpawn  actionKind = iota // start a process now
	actSignal                   // send sig, to the process group when group is set
	actTimer                    // call the machine's onTimer after delay
	actEnded                    // the program stopped for good (it matters when critical)
)

// timerKind tells the machine which of its timers fired.
type timerKind int

const (
	timerStartSecs timerKind = iota // startsecs have passed: promote to RUNNING
	timerBackoff                    // the backoff delay is over: try again
	timerKill                       // stopwaitsecs have passed: SIGKILL
	timerRestart                    // restart_delay is over: respawn
)

// action is one decision of a machine. Timers carry the generation they
// were set in; a timer from an older generation is stale and ignored.
type action struct {
	kind  actionKind
	sig   syscall.Signal
	group bool
	delay time.Duration
	timer timerKind
	gen   uint64
}

// Errors of requests that the state does not allow, matching supervisord's
// faults ALREADY_STARTED and NOT_RUNNING.
var (
	errAlreadyStarted = errors.New("already started")
	errNotRunning     = errors.New("not running")
)

// machine is one program's supervisord state machine: it takes events and
// returns decisions, and does nothing itself, so it can be tested with a
// fake clock and no processes.
type machine struct {
	cfg       *config.Process
	state     State
	gen       uint64    // bumped whenever pending timers become meaningless
	backoff   int       // failed starts in a row
	started   time.Time // when the current or last process was spawned
	stopped   time.Time // when the last process ended
	exit      *Exit     // the last process's status
	spawnErr  string    // why the last spawn failed
	spawnCode int       // and the shell's code for it (126, 127)
	pending   bool      // a restart_delay timer is set
	halting   bool      // init is shutting down: never start again
}

func newMachine(cfg *config.Process) *machine { return &machine{cfg: cfg, state: Stopped} }

// to moves to next, which must be a valid move.
func (m *machine) to(next State) {
	if err := m.state.check(next); err != nil {
		panic(err) // a bug in this file; Guard turns it into a log line
	}
	m.state = next
	m.gen++
}

func (m *machine) timer(k timerKind, d time.Duration) action {
	return action{kind: actTimer, timer: k, delay: d, gen: m.gen}
}

// start is a request to run the program (autostart, ctl start).
func (m *machine) start(now time.Time) ([]action, error) {
	if m.state.Alive() || m.state == Stopping {
		return nil, errAlreadyStarted
	}
	m.backoff = 0
	m.pending = false
	m.to(Starting)
	return []action{{kind: actSpawn}}, nil
}

// spawned reports that the process exists.
func (m *machine) spawned(now time.Time) []action {
	m.started = now
	m.spawnErr, m.spawnCode = "", 0
	switch {
	case m.cfg.Ready != config.ReadyStartsecs:
		return nil // RUNNING comes with the health check or READY=1
	case m.cfg.StartSecs <= 0:
		return m.promote()
	}
	return []action{m.timer(timerStartSecs, m.cfg.StartSecs)}
}

// markReady reports that a program with ready=healthcheck or ready=notify
// said it is ready: it becomes RUNNING.
func (m *machine) markReady() []action {
	if m.state != Starting {
		return nil
	}
	return m.promote()
}

// spawnFailed reports that no process could be started; like supervisord,
// that counts as a start that failed too quickly.
func (m *machine) spawnFailed(now time.Time, err error) []action {
	m.started, m.stopped = now, now
	m.spawnErr, m.exit = err.Error(), nil
	m.spawnCode = 126
	var se *StartError
	if errors.As(err, &se) {
		m.spawnCode = se.Code
	}
	return m.toBackoff()
}

func (m *machine) promote() []action {
	m.backoff = 0
	m.to(Running)
	return nil
}

// exited reports the end of the process.
func (m *machine) exited(e Exit) []action {
	m.exit = &e
	m.stopped = e.Time
	switch m.state {
	case Starting:
		return m.toBackoff()
	case Stopping:
		m.to(Stopped)
		return nil
	case Running:
		m.to(Exited)
		return m.afterExit()
	}
	return nil
}

// Expected reports whether the last exit was one of exitcodes; a death by
// signal never is.
func (m *machine) expected() bool {
	return m.exit != nil && m.exit.Status.Exited() && slices.Contains(m.cfg.ExitCodes, m.exit.Status.ExitStatus())
}

func (m *machine) afterExit() []action {
	restart := !m.halting && (m.cfg.AutoRestart == config.RestartAlways ||
		(m.cfg.AutoRestart == config.RestartUnexpected && !m.expected()))
	switch {
	case !restart:
		return []action{{kind: actEnded}}
	case m.cfg.RestartDelay > 0:
		m.pending = true
		return []action{m.timer(timerRestart, m.cfg.RestartDelay)}
	}
	m.to(Starting)
	return []action{{kind: actSpawn}}
}

func (m *machine) toBackoff() []action {
	m.backoff++
	m.to(Backoff)
	if m.backoff > m.cfg.StartRetries {
		m.backoff = 0
		m.to(Fatal)
		return []action{{kind: actEnded}}
	}
	return []action{m.timer(timerBackoff, m.backoffDelay())}
}

// backoffDelay is supervisord's linear 1s, 2s, 3s... or, as an extension,
// 1s, 2s, 4s... capped at backoff_max.
func (m *machine) backoffDelay() time.Duration {
	if m.cfg.Backoff != config.BackoffExponential {
		return time.Duration(m.backoff) * time.Second
	}
	d := time.Second
	for i := 1; i < m.backoff && d < m.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, max(m.cfg.BackoffMax, time.Second))
}

// fired reports a timer. alive says whether the process is still running:
// the loop checks the kernel, because the exit of a process that died just
// before startsecs may not have reached the loop yet (supervisord promotes
// such a process to RUNNING and it never reaches FATAL: Supervisor #1285).
func (m *machine) fired(k timerKind, gen uint64, alive bool) []action {
	if gen != m.gen {
		return nil
	}
	switch {
	case k == timerStartSecs && m.state == Starting && alive:
		return m.promote()
	case m.halting && (k == timerBackoff || k == timerRestart):
		return nil
	case k == timerBackoff && m.state == Backoff:
		m.to(Starting)
		return []action{{kind: actSpawn}}
	case k == timerRestart && m.state == Exited && m.pending:
		m.pending = false
		m.to(Starting)
		return []action{{kind: actSpawn}}
	case k == timerKill && m.state == Stopping:
		return []action{{kind: actSignal, sig: syscall.SIGKILL, group: m.cfg.KillAsGroup}}
	}
	return nil
}

// code is the status the program ended with, for a critical program that
// ends the container: its exit code or 128+N, or the shell's code for a
// command that could not be started.
func (m *machine) code() int {
	switch {
	case m.exit != nil:
		return m.exit.Code()
	case m.spawnCode != 0:
		return m.spawnCode
	}
	return 1
}

// stop is a request to stop the program (ctl stop, shutdown).
func (m *machine) stop() ([]action, error) {
	switch {
	case m.state == Starting || m.state == Running:
		m.to(Stopping)
		return []action{
			{kind: actSignal, sig: m.cfg.StopSignal, group: m.cfg.StopAsGroup},
			m.timer(timerKill, m.cfg.StopWait),
		}, nil
	case m.state == Backoff, m.state == Exited && m.pending:
		m.pending = false
		m.to(Stopped)
		return nil, nil
	}
	return nil, errNotRunning
}
