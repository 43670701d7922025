package initproc

import (
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// killSettle bounds the wait after SIGKILL: a process stuck in the kernel
// (uninterruptible I/O) cannot be waited for forever, and the kernel will
// kill what is left when PID 1 exits anyway.
const killSettle = 2 * time.Second

// EndAll stops every process left after the main work is done: SIGTERM to
// all, SIGKILL after grace to whatever is still there, and every status
// reaped. tini and dumb-init exit at once and let the kernel SIGKILL the
// rest, so daemons never get to shut down cleanly; init gives them grace.
//
// As PID 1 "all" is the namespace (kill(-1)); otherwise it is init's
// descendants, found in /proc, which as a subreaper are all its to reap.
// signals receives SIGCHLD and whatever else arrives meanwhile; onSignal is
// called for each, so the caller's loop keeps collecting statuses.
func EndAll(r *Reaper, log *slog.Logger, grace time.Duration, signals <-chan os.Signal, onSignal func(os.Signal)) {
	if r.Childless() {
		return
	}
	if n := signalAll(syscall.SIGTERM); n > 0 {
		log.Debug("sent SIGTERM to processes left behind", "count", n)
	}
	if waitNoChildren(r, grace, signals, onSignal) {
		return
	}
	n := signalAll(syscall.SIGKILL)
	log.Warn("processes still running after the grace period; sent SIGKILL", "count", n, "grace", grace)
	waitNoChildren(r, killSettle, signals, onSignal)
}

func waitNoChildren(r *Reaper, limit time.Duration, signals <-chan os.Signal, onSignal func(os.Signal)) bool {
	done := r.WhenNoChildren()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		select {
		case <-done:
			return true
		case <-timer.C:
			return false
		case s := <-signals:
			onSignal(s)
		}
	}
}

// signalAll sends sig to everything init is responsible for and reports how
// many processes it reached (as PID 1, 1 means "some").
func signalAll(sig syscall.Signal) int {
	if os.Getpid() == 1 {
		if syscall.Kill(-1, sig) != nil {
			return 0
		}
		return 1
	}
	n := 0
	for _, pid := range descendants(os.Getpid()) {
		if syscall.Kill(pid, sig) == nil {
			n++
		}
	}
	return n
}

// descendants lists every process below root, from the parent links in /proc.
func descendants(root int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// parentOf reads the PPID field of /proc/PID/stat; the command name before
// it is in parentheses and may itself contain spaces and parentheses.
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}
