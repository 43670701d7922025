package initproc

import (
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/vigil-sh/vigil/config"
)

// Catch installs init's handlers and returns the channel every caught signal
// arrives on. It catches every signal that can be caught, so that a PID 1
// (which the kernel spares from default actions) still hears them all, with
// two exceptions that keep a terminal user's intent: SIGHUP and SIGINT that
// init inherited as ignored stay ignored, so its children inherit that too
// (nohup and `cmd &` in a script rely on it). Go gives no way to see other
// inherited dispositions: its runtime replaces them before main runs.
//
// Call it before the first child is started, so no SIGCHLD is missed.
// Installing a handler costs a round trip to the runtime's signal thread
// (about 20µs each, a millisecond for all of them), so only the signals a
// container is commonly sent are in place when Catch returns; the rest follow
// while the first child starts.
func Catch() <-chan os.Signal {
	ch := make(chan os.Signal, 256)
	var first, rest []os.Signal
	for _, sig := range catchable() {
		if slices.Contains(common, sig) {
			first = append(first, sig)
		} else {
			rest = append(rest, sig)
		}
	}
	signal.Notify(ch, first...)
	go signal.Notify(ch, rest...)
	return ch
}

// common are the signals caught before the first child starts.
var common = []os.Signal{syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH,
	// Caught before anything is written, so that a closed stdout or stderr
	// makes writes fail instead of killing init.
	syscall.SIGPIPE}

func catchable() []os.Signal {
	var sigs []os.Signal
	for n := 1; n <= config.SigRTMax; n++ {
		sig := syscall.Signal(n)
		switch {
		case sig == syscall.SIGKILL || sig == syscall.SIGSTOP:
			continue
		case n >= 32 && n <= 34: // the C libraries' and Go's own
			continue
		case (sig == syscall.SIGHUP || sig == syscall.SIGINT) && signal.Ignored(sig):
			continue
		}
		sigs = append(sigs, sig)
	}
	return sigs
}

// Forwarding says what happens to a signal init receives while it has a
// main child: tini's -g and dumb-init's -r.
type Forwarding struct {
	// Pgroup sends to the child's whole process group instead of the child.
	Pgroup bool
	// Rewrite maps a received signal to the one sent; 0 drops it.
	Rewrite map[syscall.Signal]syscall.Signal
}

// Forward sends sig, rewritten, to pid or its group. SIGURG is forwarded
// only when the runtime does not use it for preemption (see AsyncPreemptOff),
// because otherwise most SIGURGs are the runtime's own.
func (f Forwarding) Forward(pid int, sig syscall.Signal) (syscall.Signal, error) {
	if to, ok := f.Rewrite[sig]; ok {
		sig = to
	}
	if sig == 0 || (sig == syscall.SIGURG && !asyncPreemptOff) {
		return 0, nil
	}
	target := pid
	if f.Pgroup {
		target = -pid
	}
	return sig, syscall.Kill(target, sig)
}
