package initproc

import "errors"

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
