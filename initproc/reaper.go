package initproc

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// safetyTick bounds how long a status can wait when SIGCHLDs coalesce or one
// is lost; it is the only periodic wake-up init has while idle.
const safetyTick = 5 * time.Second

// Reaper collects the status of every child of init, its own and the orphans
// the kernel reparents to it, and hands each to whoever registered the PID.
//
// It is the only caller of wait4 in the process. Start holds the registry
// lock across the fork and the registration, and collection takes the same
// lock before it looks a PID up, so a child that dies at once is never
// mistaken for an orphan and its status is never lost.
type Reaper struct {
	log  *slog.Logger
	kick chan struct{}

	mu      sync.Mutex
	waiters map[int]chan Exit
	idle    []chan struct{} // closed when wait4 next reports no children

	// childless is true when the last collection found no child at all
	// and none was started since: nothing can be left to wait for then.
	childless bool

	orphans atomic.Uint64
	reaped  atomic.Uint64
}

// NewReaper returns a reaper; call Run in a goroutine to start collecting.
func NewReaper(log *slog.Logger) *Reaper {
	return &Reaper{log: log, kick: make(chan struct{}, 1), waiters: map[int]chan Exit{}}
}

// Start calls fork, which must create exactly one child and return its PID,
// and registers that PID. The returned channel receives the child's Exit
// once and is then closed.
func (r *Reaper) Start(fork func() (int, error)) (int, <-chan Exit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pid, err := fork()
	if err != nil {
		return 0, nil, err
	}
	ch := make(chan Exit, 1)
	r.waiters[pid] = ch
	r.childless = false
	return pid, ch, nil
}

// Kick asks for a collection round; it never blocks. The signal loop calls it
// on every SIGCHLD.
func (r *Reaper) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run collects statuses on every Kick and on a slow safety tick, until stop
// is closed.
func (r *Reaper) Run(stop <-chan struct{}) {
	t := time.NewTicker(safetyTick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-r.kick:
		case <-t.C:
		}
		Guard(r.log, "reaper", r.collect)
	}
}

// WhenNoChildren returns a channel that is closed once init has no child
// left at all. Orphans come to init, so as PID 1 (or as a subreaper) that
// means every descendant is gone.
func (r *Reaper) WhenNoChildren() <-chan struct{} {
	ch := make(chan struct{})
	r.mu.Lock()
	r.idle = append(r.idle, ch)
	r.mu.Unlock()
	r.Kick()
	return ch
}

// Childless reports that init had no child at all when statuses were last
// collected, and has started none since. Only init's own children can give
// it descendants, so none can have appeared in between.
func (r *Reaper) Childless() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.childless
}

// Orphans is how many statuses of PIDs nobody registered were collected:
// reparented daemons and grandchildren.
func (r *Reaper) Orphans() uint64 { return r.orphans.Load() }

// Reaped is how many statuses were collected in all.
func (r *Reaper) Reaped() uint64 { return r.reaped.Load() }

func (r *Reaper) collect() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ECHILD):
			r.noChildren()
			return
		case err != nil:
			r.log.Error("wait4 failed", "err", err)
			return
		case pid <= 0:
			return
		}
		r.deliver(Exit{Pid: pid, Status: ws, Time: time.Now()})
	}
}

func (r *Reaper) deliver(e Exit) {
	r.reaped.Add(1)
	r.mu.Lock()
	ch, ok := r.waiters[e.Pid]
	delete(r.waiters, e.Pid)
	r.mu.Unlock()
	if !ok {
		r.orphans.Add(1)
		// Checked first: building the arguments allocates, for every
		// orphan, even with debug logging off.
		if r.log.Enabled(context.Background(), slog.LevelDebug) {
			r.log.Debug("reaped orphan", "pid", e.Pid, "status", e.String())
		}
		return
	}
	ch <- e
	close(ch)
}

func (r *Reaper) noChildren() {
	r.mu.Lock()
	idle := r.idle
	r.idle = nil
	r.childless = true
	r.mu.Unlock()
	for _, ch := range idle {
		close(ch)
	}
}
