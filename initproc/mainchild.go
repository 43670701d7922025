package initproc

import (
	"errors"
	"strings"
	"time"
)

// mainChild is the command given after the flags, run alongside the
// programs: when it exits, init stops the programs and exits with its
// status. It writes straight to init's stdout and stderr (it may need the
// terminal), so its lines are not prefixed.
type mainChild struct {
	pid    int
	exited bool
}

func (s *Supervisor) startMain() {
	pid, exited, err := startMain(s.reaper, s.opts.Command)
	if err != nil {
		code := 126
		var se *StartError
		if errors.As(err, &se) {
			code = se.Code
		}
		s.log.Error(err.Error())
		s.main = &mainChild{exited: true}
		s.beginShutdown(code, 0)
		return
	}
	s.main = &mainChild{pid: pid}
	s.log.Debug("started main command", "pid", pid, "argv", s.opts.Command)
	Go(s.log, "main", func() { s.events <- mainExitEvent{e: <-exited} })
}

func (s *Supervisor) onMainExit(e Exit) {
	s.main.exited = true
	code := e.Code()
	if s.opts.RemapExit[code] {
		code = 0
	}
	s.log.Debug("main command exited", "status", e.String())
	s.beginShutdown(code, 0)
	s.code = code
}

type waitReadyEvent struct{}

// startMainWhenReady starts the main command, at once or, with
// --wait-ready, once every wanted program is ready (s6-overlay's
// S6_CMD_WAIT_FOR_SERVICES).
func (s *Supervisor) startMainWhenReady() {
	if len(s.opts.Command) == 0 || s.main != nil || s.stop != nil {
		return
	}
	if !s.opts.WaitReady || s.allReady() {
		if s.waitReady != nil {
			s.waitReady.Stop()
		}
		s.startMain()
		return
	}
	if s.waitReady == nil && s.opts.WaitReadyTimeout > 0 {
		s.waitReady = time.AfterFunc(s.opts.WaitReadyTimeout, func() { s.events <- waitReadyEvent{} })
	}
}

// onWaitReadyTimeout gives up on a main command whose programs never got
// ready: the container fails, as under s6-overlay.
func (s *Supervisor) onWaitReadyTimeout() {
	if s.main != nil || s.stop != nil {
		return
	}
	s.log.Error("programs not ready in time; not starting the main command", "timeout", s.opts.WaitReadyTimeout, "not_ready", strings.Join(s.notReady(), "; "))
	s.beginShutdown(1, 0)
}

func (s *Supervisor) allReady() bool { return len(s.notReady()) == 0 }

// notReady lists the wanted programs that are not ready, with the reason.
func (s *Supervisor) notReady() []string {
	var out []string
	for _, p := range s.programs {
		if ok, why := p.readiness(); p.wanted && !ok {
			out = append(out, p.cfg.Name+": "+why)
		}
	}
	return out
}
