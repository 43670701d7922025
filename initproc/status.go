package initproc

import (
	"context"
	"errors"
	"time"
)

// HealthState is a program's health check result, with Docker's meanings.
type HealthState int

// Health states: none without a check; starting until the first result
// (or during the start period); then healthy or unhealthy.
const (
	HealthNone HealthState = iota
	HealthStarting
	HealthHealthy
	HealthUnhealthy
)

func (h HealthState) String() string {
	return [...]string{"none", "starting", "healthy", "unhealthy"}[h]
}

// ProgramStatus is what the control plane sees of one program: a copy,
// taken inside the supervisor's loop.
type ProgramStatus struct {
	Name, Group string
	State       State
	Pid         int
	Start, Stop time.Time // of the current or last run; zero when none
	ExitCode    int       // of the last run (128+N for signal N); -1 when none
	SpawnErr    string
	Restarts    uint64 // spawns after the first
	Critical    bool
	Wanted      bool   // it should be running (autostart or started, not stopped)
	Ready       bool   // it counts as ready for /readyz
	Why         string // why it is not ready, when it is not
	Health      HealthState
	Status      string // the last STATUS= it sent over NOTIFY_SOCKET
	AutoStart   bool
	Priority    int
	Command     string
	LogFile     string // stdout_logfile as configured
}

// InitStatus is a snapshot of init and its programs.
type InitStatus struct {
	Started          time.Time
	Programs         []ProgramStatus // in start order
	ShuttingDown     bool
	CriticalFailed   string // the critical program that ended the container, if any
	OrphansReaped    uint64
	SignalsForwarded uint64
}

// ErrNotResponding means the supervisor's loop did not answer in time:
// init is stuck, and /livez says so.
var ErrNotResponding = errors.New("init's supervisor loop is not responding")

// Snapshot returns the state of init and its programs, taken inside the
// loop. Because it needs the loop to answer, it doubles as the liveness
// heartbeat: it fails with ErrNotResponding when ctx ends first.
func (s *Supervisor) Snapshot(ctx context.Context) (InitStatus, error) {
	var st InitStatus
	if err := s.inLoop(ctx, func() { st = s.snapshot() }); err != nil {
		return InitStatus{}, err
	}
	return st, nil
}

func (s *Supervisor) snapshot() InitStatus {
	st := InitStatus{Started: s.started, ShuttingDown: s.stop != nil, CriticalFailed: s.criticalFailed,
		SignalsForwarded: s.forwarded}
	if s.reaper != nil {
		st.OrphansReaped = s.reaper.Orphans()
	}
	for _, p := range s.programs {
		st.Programs = append(st.Programs, p.status())
	}
	return st
}

func (p *program) status() ProgramStatus {
	ps := ProgramStatus{Name: p.cfg.Name, Group: p.cfg.Group, State: p.m.state, Pid: p.pid,
		Start: p.m.started, Stop: p.m.stopped, ExitCode: -1, SpawnErr: p.m.spawnErr,
		Restarts: max(p.spawns, 1) - 1, Critical: p.cfg.Critical, Wanted: p.wanted, Health: p.health,
		Status: p.notifyStatus, AutoStart: p.cfg.AutoStart, Priority: p.cfg.Priority,
		Command: p.cfg.CommandLine, LogFile: p.cfg.Stdout.File}
	if p.m.exit != nil {
		ps.ExitCode = p.m.exit.Code()
	}
	ps.Ready, ps.Why = p.readiness()
	return ps
}
