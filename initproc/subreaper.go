package initproc

import (
	"log/slog"
	"os"

	"golang.org/x/sys/unix"
)

// BecomeSubreaper makes orphaned descendants come to init when it is not PID
// 1 (under docker run without --init's help, or in a shell), so it can still
// reap them and wait for them at exit. A failure is worth one warning: init
// still works, but orphans then go to the real PID 1.
func BecomeSubreaper(log *slog.Logger) {
	if os.Getpid() == 1 {
		return
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		log.Warn("cannot become a child subreaper; orphans will not be reaped by init", "err", err)
	}
}
