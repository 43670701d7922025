package initproc

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Guard runs fn and turns a panic into a logged error. A PID 1 that dies
// takes the whole container with it, so no goroutine of init may let a panic
// escape: each loop calls its body through Guard and carries on.
func Guard(log *slog.Logger, where string, fn func()) (panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			panicked = true
			log.Error("recovered from a bug; please report it", "in", where, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	fn()
	return false
}

// Go starts fn in a goroutine under Guard.
func Go(log *slog.Logger, where string, fn func()) {
	go Guard(log, where, fn)
}
