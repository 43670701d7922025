package initproc

// logExit reports how a run ended, in the words supervisord uses, so people
// who grep its logs find the same lines.
func (s *Supervisor) logExit(p *program, before State, e Exit) {
	name := p.cfg.Name
	switch {
	case before == Stopping:
		s.log.Info("stopped: "+name, "status", e.String())
	case before == Starting:
		s.log.Warn("exited: "+name+" (not expected, before startsecs)", "status", e.String())
	case p.m.expected():
		s.log.Info("exited: "+name+" (expected)", "status", e.String())
	default:
		s.log.Warn("exited: "+name+" (not expected)", "status", e.String())
	}
}

// logState reports a program's new state once per change.
func (s *Supervisor) logState(p *program) {
	st := p.m.state
	if st == p.logged {
		return
	}
	p.logged = st
	switch st {
	case Running:
		s.log.Info("success: "+p.cfg.Name+" entered RUNNING state", "startsecs", p.cfg.StartSecs)
	case Fatal:
		msg := "gave up: " + p.cfg.Name + " entered FATAL state, too many start retries too quickly"
		if p.m.spawnErr != "" {
			s.log.Warn(msg, "spawnerr", p.m.spawnErr)
		} else {
			s.log.Warn(msg)
		}
	default:
		s.log.Debug(p.cfg.Name+" entered "+st.String()+" state", "pid", p.pid)
	}
}
