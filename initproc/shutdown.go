package initproc

import (
	"context"
	"slices"
	"syscall"
	"time"
)

// shutdown is the state of an orderly stop: the main command first, then
// the programs in reverse priority order (a whole priority at once, each
// with its stopsignal and stopwaitsecs), all within one deadline so that
// docker stop's SIGKILL never comes first.
type shutdown struct {
	began time.Time
	done  bool
}

type deadlineEvent struct{}

type giveUpEvent struct{}

// beginShutdown starts the stop sequence; code is what init exits with
// unless the main command's status replaces it.
func (s *Supervisor) beginShutdown(code int, sig syscall.Signal) {
	if s.stop != nil {
		return
	}
	s.code = code
	s.stop = &shutdown{began: time.Now()}
	for _, p := range s.programs {
		p.m.halting = true
	}
	if sig != 0 {
		s.log.Info("shutting down", "signal", sig.String())
	}
	if s.opts.ShutdownTimeout > 0 {
		time.AfterFunc(s.opts.ShutdownTimeout, func() { s.events <- deadlineEvent{} })
	}
}

// advanceShutdown stops the next priority level once the one before it is
// down. A program is only stopped once every program that depends on it is
// down. It runs after every event, so a program's exit moves it on.
func (s *Supervisor) advanceShutdown() {
	if s.stop == nil || s.stop.done || (s.main != nil && !s.main.exited) {
		return
	}
	level, any, up := 0, false, false
	for _, p := range s.programs {
		p.waiting = false
		if p.m.state.Down() {
			continue
		}
		up = true
		if s.dependantsDown(p) && (!any || p.cfg.Priority > level) {
			level, any = p.cfg.Priority, true
		}
	}
	if !up {
		s.stop.done = true
		return
	}
	stopped := false
	for _, p := range s.programs {
		if any && p.cfg.Priority == level && s.dependantsDown(p) {
			if acts, err := p.m.stop(); err == nil {
				s.apply(p, acts)
				stopped = true
			}
		}
	}
	// Programs in BACKOFF stop at once: the next level may be due now.
	if stopped {
		s.advanceShutdown()
	}
}

// dependantsDown reports whether every program that depends on p is down.
func (s *Supervisor) dependantsDown(p *program) bool {
	for _, q := range s.programs {
		if !q.m.state.Down() && slices.Contains(q.deps, p) {
			return false
		}
	}
	return true
}

// onDeadline kills whatever is still running when the shutdown deadline
// passes, and gives the kernel a moment to deliver the kills.
func (s *Supervisor) onDeadline() {
	if s.stop == nil || s.stop.done {
		return
	}
	s.log.Warn("shutdown deadline passed; killing what is left", "deadline", s.opts.ShutdownTimeout)
	for _, p := range s.programs {
		p.signal(syscall.SIGKILL, true)
	}
	if s.main != nil && !s.main.exited {
		syscall.Kill(-s.main.pid, syscall.SIGKILL)
	}
	signalAll(syscall.SIGKILL)
	time.AfterFunc(killSettle, func() { s.events <- giveUpEvent{} })
}

func (s *Supervisor) finished() bool { return s.stop != nil && s.stop.done }

// grace is what is left of the deadline for the processes programs left
// behind, at most --grace.
func (s *Supervisor) grace() time.Duration {
	if s.opts.ShutdownTimeout <= 0 {
		return s.opts.Grace
	}
	left := s.opts.ShutdownTimeout - time.Since(s.stop.began)
	return max(0, min(s.opts.Grace, left))
}

// onSignal handles a signal received while supervising. With a main
// command every signal goes to it, as under tini; TERM, INT and QUIT also
// begin the shutdown, which waits for the main command before stopping the
// programs.
func (s *Supervisor) onSignal(sig syscall.Signal) {
	shutdownSig := sig == syscall.SIGTERM || sig == syscall.SIGINT || sig == syscall.SIGQUIT
	switch {
	case sig == syscall.SIGCHLD:
		s.reaper.Kick()
		return
	case s.main != nil && !s.main.exited:
		forward(s.log, s.opts.Forwarding, s.main.pid, sig)
		s.forwarded++
	case sig == syscall.SIGUSR2:
		s.reopenLogs()
	case sig == syscall.SIGHUP:
		// The loop must stay free while the config is read and applied.
		Go(s.log, "reload", func() {
			if _, err := s.Update(context.Background()); err != nil {
				s.log.Error("reload on SIGHUP: " + err.Error())
			}
		})
	case !shutdownSig:
		s.log.Debug("signal ignored", "signal", sig.String())
	}
	if shutdownSig {
		s.beginShutdown(0, sig)
	}
}

func (s *Supervisor) reopenLogs() {
	for _, p := range s.programs {
		for _, f := range p.files {
			if err := f.Reopen(); err != nil {
				s.log.Warn("cannot reopen log file", "program", p.cfg.Name, "err", err)
			}
		}
	}
}

// flush waits for the last output of every program (at most drainLimit:
// a process that outlived everything may still hold a pipe) and closes the
// log files.
func (s *Supervisor) flush() {
	done := make(chan struct{})
	go func() { s.pumps.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drainLimit):
	}
	for _, p := range s.programs {
		for _, f := range p.files {
			f.Close()
		}
	}
}
