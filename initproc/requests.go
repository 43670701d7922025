package initproc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Request is one control request: a verb and the programs it names. Names
// are a process name, "group:name", "group:*", or "all".
type Request struct {
	Verb   string // start, stop, restart or signal
	Names  []string
	Signal syscall.Signal // for signal
	// Wait holds the answer until each program got where the verb takes
	// it (RUNNING or given up for start, down for stop), as supervisorctl
	// does.
	Wait bool
}

// Result is the outcome for one program.
type Result struct {
	Name, Group string
	Err         error // nil, ErrBadName, ErrAlreadyStarted, ErrNotRunning, or after a waited-for start ErrSpawn or ErrGaveUp
}

// Errors of requests, with supervisord's fault names in mind.
var (
	ErrBadName        = errors.New("no such process")
	ErrAlreadyStarted = errAlreadyStarted
	ErrNotRunning     = errNotRunning
	ErrBadVerb        = errors.New("unknown request")
	ErrShuttingDown   = errors.New("init is shutting down")
	// ErrSpawn is a waited-for start that gave up because the command
	// could not be started at all (supervisord's SPAWN_ERROR); the
	// message says why, with the path.
	ErrSpawn = errors.New("spawn error")
	// ErrGaveUp is a waited-for start that gave up because the program
	// kept exiting before startsecs (supervisord's ABNORMAL_TERMINATION).
	ErrGaveUp = errors.New("exited too quickly")
)

// Control carries out r inside the loop and returns one Result per program
// named. A name matching nothing fails the whole request with ErrBadName,
// and nothing is changed.
func (s *Supervisor) Control(ctx context.Context, r Request) ([]Result, error) {
	var results []Result
	var targets []*program
	var reqErr error
	err := s.inLoop(ctx, func() {
		if targets, reqErr = s.resolve(r.Names); reqErr != nil {
			return
		}
		if s.stop != nil {
			reqErr = ErrShuttingDown
			return
		}
		results, reqErr = s.apply1(r, targets)
	})
	switch {
	case err != nil:
		return nil, err
	case reqErr != nil || !r.Wait:
		return results, reqErr
	}
	if err := s.awaitSettled(ctx, r.Verb, targets); err != nil {
		return results, err
	}
	if r.Verb != "start" && r.Verb != "restart" {
		return results, nil
	}
	return results, s.inLoop(ctx, func() { startOutcomes(results, targets) })
}

// startOutcomes fills in the results of a waited-for start from where the
// programs ended up: one that went FATAL did not start, and the caller
// must hear it, as supervisorctl does ("ERROR (spawn error)"), rather
// than "started". results and targets are in the same order.
func startOutcomes(results []Result, targets []*program) {
	for i, p := range targets {
		switch {
		case results[i].Err != nil || p.m.state != Fatal:
		case p.m.spawnErr != "":
			results[i].Err = fmt.Errorf("%w: %s", ErrSpawn, p.m.spawnErr)
		default:
			results[i].Err = fmt.Errorf("%w: it kept exiting before it was up and is FATAL after startretries=%d; its output says why",
				ErrGaveUp, p.cfg.StartRetries)
		}
	}
}

func (s *Supervisor) apply1(r Request, targets []*program) ([]Result, error) {
	var results []Result
	for _, p := range targets {
		var err error
		switch r.Verb {
		case "start":
			err = s.want(p)
		case "stop":
			err = s.unwant(p)
		case "restart":
			s.unwant(p)
			if p.m.state.Down() {
				err = s.want(p)
			} else {
				p.wanted, p.restartAfter = true, true
			}
		case "signal":
			if !p.m.state.Alive() || p.pid == 0 {
				err = errNotRunning
			} else {
				p.signal(r.Signal, false)
			}
		default:
			return nil, fmt.Errorf("%w %q: want start, stop, restart or signal", ErrBadVerb, r.Verb)
		}
		results = append(results, Result{Name: p.cfg.Name, Group: p.cfg.Group, Err: err})
	}
	return results, nil
}

// unwant stops p and keeps it stopped.
func (s *Supervisor) unwant(p *program) error {
	p.wanted, p.waiting, p.restartAfter = false, false, false
	acts, err := p.m.stop()
	if err != nil {
		return err
	}
	s.apply(p, acts)
	return nil
}

// resolve turns names into programs, in start order, each once.
func (s *Supervisor) resolve(names []string) ([]*program, error) {
	seen := map[*program]bool{}
	var out []*program
	for _, n := range names {
		matched := false
		for _, p := range s.programs {
			if matches(p, n) {
				matched = true
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		if !matched {
			return nil, fmt.Errorf("%w: %s", ErrBadName, n)
		}
	}
	return out, nil
}

func matches(p *program, name string) bool {
	if name == "all" || name == p.cfg.Name {
		return true
	}
	g, n, ok := strings.Cut(name, ":")
	return ok && g == p.cfg.Group && (n == "*" || n == p.cfg.Name)
}

// awaitSettled waits until every target reached where the verb takes it.
func (s *Supervisor) awaitSettled(ctx context.Context, verb string, targets []*program) error {
	settled := func() bool {
		for _, p := range targets {
			st := p.m.state
			switch {
			case verb == "stop" && !st.Down():
				return false
			case verb != "stop" && verb != "signal" && (st == Starting || st == Backoff || st == Stopping || p.waiting || p.restartAfter):
				return false
			}
		}
		return true
	}
	for {
		var done bool
		var changed <-chan struct{}
		if err := s.inLoop(ctx, func() { done, changed = settled(), s.changes() }); err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ErrNotResponding
		}
	}
}

// Stream returns the in-memory tail of a program's stdout or stderr (with
// redirect_stderr, stderr is in stdout's). Rings are safe to read from any
// goroutine.
func (s *Supervisor) Stream(ctx context.Context, name, stream string) (*Ring, error) {
	var ring *Ring
	var err error
	lerr := s.inLoop(ctx, func() {
		p := s.byName[name]
		switch {
		case p == nil:
			err = fmt.Errorf("%w: %s", ErrBadName, name)
		case stream == "stdout":
			ring = p.outRing
		case stream == "stderr" && p.stderr != nil:
			ring = p.errRing
		case stream == "stderr":
			err = fmt.Errorf("%w: %s has redirect_stderr=true: its stderr is in stdout", ErrNoFile, name)
		default:
			err = fmt.Errorf("%w: stream %q: want stdout or stderr", ErrBadVerb, stream)
		}
	})
	if lerr != nil {
		return nil, lerr
	}
	return ring, err
}

// ErrNoFile means there is no such log: supervisord's NO_FILE.
var ErrNoFile = errors.New("no such log")

// Shutdown begins an orderly shutdown, as SIGTERM does, and returns at once.
func (s *Supervisor) Shutdown(ctx context.Context) error {
	return s.inLoop(ctx, func() { s.beginShutdown(0, 0) })
}
