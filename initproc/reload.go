package initproc

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigil-sh/vigil/config"
)

// Diff is what a new config changes: supervisord's reloadConfig answer.
type Diff struct {
	Added, Changed, Removed []string
}

// ErrNoReload means init was started without a way to read its config
// again (no config file and no env programs to re-read).
var ErrNoReload = errors.New("init has no config to re-read")

// Reread reads the config again and reports what would change, changing
// nothing. A config with errors is rejected with them.
func (s *Supervisor) Reread(ctx context.Context) (Diff, error) {
	cfg, err := s.load()
	if err != nil {
		return Diff{}, err
	}
	var d Diff
	if err := s.inLoop(ctx, func() { d = s.diff(cfg) }); err != nil {
		return Diff{}, err
	}
	return d, nil
}

// Update reads the config again and applies the difference: added programs
// start (if autostart), removed ones stop and go, changed ones restart with
// their new settings, and unchanged ones are not touched (supervisord's
// SIGHUP restarts everything: Supervisor #888). A config with errors is
// rejected and nothing changes.
func (s *Supervisor) Update(ctx context.Context) (Diff, error) {
	cfg, err := s.load()
	if err != nil {
		return Diff{}, err
	}
	var d Diff
	var applyErr error
	err = s.inLoop(ctx, func() {
		if s.stop != nil {
			applyErr = ErrShuttingDown
			return
		}
		d, applyErr = s.applyConfig(cfg)
	})
	if err != nil {
		return Diff{}, err
	}
	return d, applyErr
}

func (s *Supervisor) load() (*config.Config, error) {
	if s.opts.Reload == nil {
		return nil, ErrNoReload
	}
	return s.opts.Reload()
}

// inLoop runs fn in the loop and waits for it, or for ctx: the one way in
// for the control plane. When it returns an error, fn may still run later,
// so callers read what fn writes only after a nil error.
func (s *Supervisor) inLoop(ctx context.Context, fn func()) error {
	done := make(chan struct{})
	select {
	case s.events <- callEvent{fn: func() { defer close(done); fn() }}:
	case <-ctx.Done():
		return ErrNotResponding
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ErrNotResponding
	}
}

func (s *Supervisor) diff(cfg *config.Config) Diff {
	var d Diff
	for _, pc := range cfg.Processes() {
		switch old := s.byName[pc.Name]; {
		case old == nil || old.removing:
			d.Added = append(d.Added, pc.Name)
		case !old.cfg.Same(pc):
			d.Changed = append(d.Changed, pc.Name)
		}
	}
	for _, p := range s.programs {
		if cfg.Process(p.cfg.Name) == nil && !p.removing {
			d.Removed = append(d.Removed, p.cfg.Name)
		}
	}
	return d
}

// applyConfig makes cfg the running config. Streams are opened for the new
// and changed programs first, so that a log file that cannot be opened
// rejects the whole config before anything is touched.
func (s *Supervisor) applyConfig(cfg *config.Config) (Diff, error) {
	d := s.diff(cfg)
	fresh := map[string]*program{}
	for _, name := range append(append([]string{}, d.Added...), d.Changed...) {
		p, err := s.newProgram(cfg.Process(name), s.width)
		if err != nil {
			return Diff{}, fmt.Errorf("reload rejected: %w", err)
		}
		fresh[name] = p
	}
	s.cfg = cfg
	for _, name := range d.Removed {
		p := s.byName[name]
		p.removing = true
		s.retire(p)
	}
	for _, name := range d.Changed {
		p := s.byName[name]
		p.replacement = fresh[name]
		s.retire(p)
	}
	for _, name := range d.Added {
		s.adopt(fresh[name])
	}
	s.linkDeps()
	s.log.Info("config reloaded", "added", d.Added, "changed", d.Changed, "removed", d.Removed)
	return d, nil
}

// retire stops p; settle finishes the removal or replacement once it is
// down.
func (s *Supervisor) retire(p *program) {
	s.unwant(p)
	s.settle(p)
}

// settle removes a program marked for removal, or puts its replacement in
// its place and starts it, once the program is down.
func (s *Supervisor) settle(p *program) {
	if !p.m.state.Down() || (!p.removing && p.replacement == nil) {
		return
	}
	i := s.index(p)
	if i < 0 {
		return
	}
	if p.removing {
		s.programs = append(s.programs[:i], s.programs[i+1:]...)
		delete(s.byName, p.cfg.Name)
		p.close()
		return
	}
	q := p.replacement
	p.close() // first: the new notify socket takes the same path
	if err := s.openNotify(q); err != nil {
		s.log.Error(err.Error())
	}
	s.programs[i] = q
	s.byName[q.cfg.Name] = q
	s.linkDeps()
	if q.cfg.AutoStart {
		s.want(q)
	}
}

func (s *Supervisor) adopt(p *program) {
	if err := s.openNotify(p); err != nil {
		s.log.Error(err.Error())
	}
	s.programs = append(s.programs, p)
	s.byName[p.cfg.Name] = p
	if p.cfg.AutoStart {
		s.linkDeps()
		s.want(p)
	}
}

func (s *Supervisor) index(p *program) int {
	for i, q := range s.programs {
		if q == p {
			return i
		}
	}
	return -1
}

// linkDeps resolves depends_on against the programs there are now.
func (s *Supervisor) linkDeps() {
	for _, p := range s.programs {
		p.deps = p.deps[:0]
		for _, dc := range s.cfg.DependsOn(p.cfg) {
			if d := s.byName[dc.Name]; d != nil {
				p.deps = append(p.deps, d)
			}
		}
	}
}

// close releases what a program that is gone for good holds open.
func (p *program) close() {
	for _, f := range p.files {
		f.Close()
	}
	if p.notify != nil {
		p.notify.close()
	}
}
