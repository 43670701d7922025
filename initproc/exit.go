package initproc

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
)

// Exit is how a child ended, as the reaper collected it.
type Exit struct {
	Pid    int
	Status unix.WaitStatus
	Time   time.Time
}

// Code is the shell's view of the status: the exit code, or 128+N for a
// child killed by signal N. It is what init itself exits with.
func (e Exit) Code() int {
	if e.Status.Signaled() {
		return 128 + int(e.Status.Signal())
	}
	return e.Status.ExitStatus()
}

// String describes the status for logs: "exit status 3" or "signal TERM".
func (e Exit) String() string {
	if e.Status.Signaled() {
		return "signal " + config.SignalName(e.Status.Signal())
	}
	return fmt.Sprintf("exit status %d", e.Status.ExitStatus())
}
