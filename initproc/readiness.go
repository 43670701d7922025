package initproc

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/vigil-sh/vigil/config"
)

// notifyHandle is a program's notify socket.
type notifyHandle = *notifySocket

// healthEvent is a health checker's report for one run of a program.
type healthEvent struct {
	p      *program
	run    uint64
	state  HealthState
	output string
}

// notifyEvent is a datagram a program sent to its NOTIFY_SOCKET.
type notifyEvent struct {
	p   *program
	msg notifyMsg
}

// watchdogEvent fires when a program that promised WATCHDOG=1 pings went
// quiet for watchdog_timeout.
type watchdogEvent struct {
	p   *program
	run uint64
	gen uint64
}

// startRun starts what goes with each run of a program: its health checker
// and its watchdog.
func (s *Supervisor) startRun(p *program, spec Spec) {
	stop := make(chan struct{})
	p.runStop = stop
	p.health, p.healthOut, p.notifyStatus = HealthNone, "", ""
	run := p.spawns
	if hc := p.cfg.Health; hc != nil {
		p.health = HealthStarting
		report := func(st HealthState, out string) {
			select {
			case s.events <- healthEvent{p: p, run: run, state: st, output: out}:
			case <-stop: // the run is over, and perhaps the loop too
			}
		}
		startHealthChecker(hc, newProbe(hc, s.reaper, spec), time.Now(), report, stop)
	}
	s.armWatchdog(p)
}

// endRun stops the checks of the run that just ended.
func (p *program) endRun() {
	if p.runStop != nil {
		close(p.runStop)
		p.runStop = nil
	}
	p.watchdogGen++
}

func (s *Supervisor) onHealth(ev healthEvent) {
	p := ev.p
	if ev.run != p.spawns || p.pid == 0 {
		return // a report about a run that has ended
	}
	p.health, p.healthOut = ev.state, ev.output
	s.log.Info("health check", "program", p.cfg.Name, "state", ev.state.String(), "output", ev.output)
	switch {
	case ev.state == HealthHealthy && p.cfg.Ready == config.ReadyHealth:
		s.apply(p, p.m.markReady())
	case ev.state == HealthUnhealthy && p.cfg.Health.Restart:
		s.log.Warn("restarting unhealthy program", "program", p.cfg.Name, "output", ev.output)
		s.restart(p)
	}
}

func (s *Supervisor) onNotify(ev notifyEvent) {
	p := ev.p
	if p.pid == 0 {
		return
	}
	if ev.msg.HasStatus {
		p.notifyStatus = ev.msg.Status
	}
	if ev.msg.Ready && p.cfg.Ready == config.ReadyNotify {
		s.apply(p, p.m.markReady())
	}
	if ev.msg.Watchdog {
		s.armWatchdog(p)
	}
}

func (s *Supervisor) armWatchdog(p *program) {
	if p.cfg.WatchdogTimeout <= 0 {
		return
	}
	p.watchdogGen++
	ev := watchdogEvent{p: p, run: p.spawns, gen: p.watchdogGen}
	time.AfterFunc(p.cfg.WatchdogTimeout, func() { s.events <- ev })
}

func (s *Supervisor) onWatchdog(ev watchdogEvent) {
	p := ev.p
	if ev.gen != p.watchdogGen || ev.run != p.spawns || p.pid == 0 {
		return
	}
	s.log.Warn("watchdog timeout: no WATCHDOG=1 in time; restarting", "program", p.cfg.Name, "timeout", p.cfg.WatchdogTimeout)
	p.health = HealthUnhealthy
	s.restart(p)
}

// restart stops p and starts it again once it is down.
func (s *Supervisor) restart(p *program) {
	acts, err := p.m.stop()
	if err != nil {
		return
	}
	p.restartAfter = true
	s.apply(p, acts)
}

// openNotifySockets gives every program that uses the notify protocol its
// socket, which lives as long as the program's config.
func (s *Supervisor) openNotifySockets() error {
	for _, p := range s.programs {
		if err := s.openNotify(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Supervisor) openNotify(p *program) error {
	if p.cfg.Ready != config.ReadyNotify && p.cfg.WatchdogTimeout <= 0 {
		return nil
	}
	dir := filepath.Join(s.opts.RuntimeDir, "notify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("notify sockets: %w (set --runtime-dir to a writable directory)", err)
	}
	// An unknown user fails the spawn with its own message; until then the
	// socket stays init's alone.
	var owner *syscall.Credential
	if p.cfg.User != "" {
		owner, _, _ = lookupUser(p.cfg.User)
	}
	// Program names are checked to be plain file names by the config.
	n, err := listenNotify(filepath.Join(dir, p.cfg.Name+".sock"), owner)
	if err != nil {
		return fmt.Errorf("%s: notify socket: %w", p.cfg.Name, err)
	}
	p.notify = n
	Go(s.log, "notify", func() { n.run(func(m notifyMsg) { s.events <- notifyEvent{p: p, msg: m} }) })
	return nil
}

func (s *Supervisor) closeNotifySockets() {
	for _, p := range s.programs {
		if p.notify != nil {
			p.notify.close()
		}
	}
}
