package initproc

import (
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/vigil-sh/vigil/config"
)

// Supervisor is init with programs: it owns the program table, and one loop
// (Run) takes every event (exits, timers, signals, requests) in turn, so no
// field needs a lock of its own.
type Supervisor struct {
	log    *slog.Logger
	opts   Options
	cfg    *config.Config
	reaper *Reaper
	events chan event
	sigs   <-chan os.Signal

	programs []*program // in start order
	byName   map[string]*program
	stdout   *Console
	stderr   *Console
	devnull  *os.File
	pumps    sync.WaitGroup // every output pump still running

	main *mainChild // nil without a main command
	stop *shutdown  // nil until shutdown begins
	code int        // what init exits with

	started        time.Time
	criticalFailed string
	forwarded      uint64
	waitReady      *time.Timer   // --wait-ready: the main command waits
	changed        chan struct{} // closed after the next event; nil while nobody waits (see changes)
	width          int           // of the longest program name, for prefixes
}

// event is anything the loop reacts to.
type event interface{}

type exitEvent struct {
	p *program
	e Exit
}

type timerEvent struct {
	p    *program
	kind timerKind
	gen  uint64
}

type mainExitEvent struct{ e Exit }

// callEvent runs fn inside the loop: the one way the control plane reads or
// changes the program table.
type callEvent struct{ fn func() }

// NewSupervisor prepares the programs of cfg; nothing starts until Run.
func NewSupervisor(cfg *config.Config, opts Options) (*Supervisor, error) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	s := &Supervisor{
		log: opts.Log, opts: opts, cfg: cfg, devnull: devnull,
		events: make(chan event, 1024), byName: map[string]*program{},
		stdout: opts.Stdout, stderr: opts.Stderr,
	}
	if s.stdout == nil || s.stderr == nil {
		s.stdout, s.stderr = StdConsoles()
	}
	for _, pc := range cfg.Processes() {
		s.width = max(s.width, len(pc.Name))
	}
	for _, pc := range cfg.Processes() {
		p, err := s.newProgram(pc, s.width)
		if err != nil {
			return nil, err
		}
		s.programs = append(s.programs, p)
		s.byName[pc.Name] = p
	}
	for _, p := range s.programs {
		for _, d := range cfg.DependsOn(p.cfg) {
			p.deps = append(p.deps, s.byName[d.Name])
		}
	}
	return s, nil
}

// Run starts the programs in priority order, then the main command if any,
// and supervises until shutdown; it returns the status init exits with.
func (s *Supervisor) Run() int {
	s.sigs = Catch()
	s.reaper = NewReaper(s.log)
	stopReaper := make(chan struct{})
	defer close(stopReaper)
	Go(s.log, "reaper", func() { s.reaper.Run(stopReaper) })
	BecomeSubreaper(s.log)
	s.started = time.Now()
	if err := s.openNotifySockets(); err != nil {
		s.log.Error(err.Error())
		return 1
	}
	defer s.closeNotifySockets()

	for _, p := range s.programs {
		if p.cfg.AutoStart {
			s.want(p)
		}
	}
	s.startMainWhenReady()
	for s.afterEvent(); !s.finished(); s.afterEvent() {
		Guard(s.log, "supervisor", s.step)
	}
	EndAll(s.reaper, s.log, s.grace(), s.sigs, s.onSignalAfterEnd)
	s.flush()
	return s.code
}

// step waits for one event and handles it.
func (s *Supervisor) step() {
	select {
	case ev := <-s.events:
		s.handle(ev)
	case sig := <-s.sigs:
		s.onSignal(sig.(syscall.Signal))
	}
}

func (s *Supervisor) handle(ev event) {
	switch ev := ev.(type) {
	case exitEvent:
		s.onExit(ev.p, ev.e)
	case timerEvent:
		s.apply(ev.p, ev.p.m.fired(ev.kind, ev.gen, ev.p.alive()))
	case mainExitEvent:
		s.onMainExit(ev.e)
	case callEvent:
		ev.fn()
	case deadlineEvent:
		s.onDeadline()
	case waitReadyEvent:
		s.onWaitReadyTimeout()
	case healthEvent:
		s.onHealth(ev)
	case notifyEvent:
		s.onNotify(ev)
	case watchdogEvent:
		s.onWatchdog(ev)
	case giveUpEvent:
		if s.stop != nil {
			s.stop.done = true
		}
	}
}

func (s *Supervisor) onExit(p *program, e Exit) {
	if e.Pid != p.pid {
		return // a previous run's exit, reported late
	}
	p.pid = 0
	p.endRun()
	before := p.m.state
	acts := p.m.exited(e)
	s.logExit(p, before, e)
	s.apply(p, acts)
	if p.m.state == Stopped && p.restartAfter && s.stop == nil {
		p.restartAfter = false
		s.startProgram(p)
	}
	s.settle(p)
}

// apply carries out a machine's decisions.
func (s *Supervisor) apply(p *program, acts []action) {
	for _, a := range acts {
		switch a.kind {
		case actSpawn:
			s.spawn(p)
		case actSignal:
			p.signal(a.sig, a.group)
		case actTimer:
			s.after(p, a)
		case actEnded:
			s.onEnded(p)
		}
	}
	s.logState(p)
}

func (s *Supervisor) after(p *program, a action) {
	time.AfterFunc(a.delay, func() { s.events <- timerEvent{p: p, kind: a.timer, gen: a.gen} })
}

// want marks p as wanted and starts it, or holds it back until its
// dependencies are ready.
func (s *Supervisor) want(p *program) error {
	if p.m.state.Alive() || p.m.state == Stopping {
		return errAlreadyStarted
	}
	p.wanted = true
	if !p.depsReady() {
		p.waiting = true
		return nil
	}
	return s.startProgram(p)
}

func (s *Supervisor) startProgram(p *program) error {
	p.waiting = false
	acts, err := p.m.start(time.Now())
	if err != nil {
		return err
	}
	s.apply(p, acts)
	return nil
}

// afterEvent is what follows every event: programs whose dependencies
// became ready start, a waiting main command starts, shutdown moves on.
func (s *Supervisor) afterEvent() {
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	if s.stop == nil {
		for _, p := range s.programs {
			if p.waiting && p.depsReady() {
				s.startProgram(p)
			}
		}
		s.startMainWhenReady()
	}
	s.advanceShutdown()
}

// changes returns a channel that is closed after the next event; call it
// in the loop. It is made only when someone waits: the loop takes an event
// for every SIGCHLD, and an orphan storm would otherwise allocate a
// channel for each.
func (s *Supervisor) changes() <-chan struct{} {
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// onEnded handles a program that stopped for good: a critical one ends the
// container with its status.
func (s *Supervisor) onEnded(p *program) {
	if !p.cfg.Critical || s.stop != nil {
		return
	}
	s.criticalFailed = p.cfg.Name
	s.log.Warn("critical program ended; shutting down", "program", p.cfg.Name, "state", p.m.state.String(), "code", p.m.code())
	s.beginShutdown(p.m.code(), 0)
}

func (s *Supervisor) onSignalAfterEnd(sig os.Signal) {
	if sig == syscall.SIGCHLD {
		s.reaper.Kick()
	}
}
