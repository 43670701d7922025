package initproc

import (
	"io"
	"log/slog"
	"testing"

	"github.com/vigil-sh/vigil/config"
)

// An orphan storm must not fill init's heap with garbage: reaping an
// orphan with debug logging off allocates nothing, nor does the work after
// an event that nobody waits on (each SIGCHLD is one).
func TestOrphanReapingDoesNotAllocate(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := NewReaper(log)
	if n := testing.AllocsPerRun(100, func() { r.deliver(Exit{Pid: 1 << 20}) }); n != 0 {
		t.Errorf("reaping an orphan: %v allocations", n)
	}
	s, err := NewSupervisor(&config.Config{}, Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, s.afterEvent); n != 0 {
		t.Errorf("after an event: %v allocations", n)
	}
	// Someone waiting still hears of the next event.
	ch := s.changes()
	s.afterEvent()
	select {
	case <-ch:
	default:
		t.Fatal("the channel of changes was not closed by the event")
	}
}
