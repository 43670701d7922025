package initproc

import (
	"errors"
	"log/slog"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Options configure one run of init with a main command.
type Options struct {
	// Command is the main child's argv.
	Command []string
	// Forwarding says how signals reach the main child.
	Forwarding Forwarding
	// RemapExit lists exit codes reported as 0 (tini -e), e.g. 143 for a
	// JVM that exits 128+TERM on a clean shutdown.
	RemapExit map[int]bool
	// Grace is how long processes left behind get between SIGTERM and
	// SIGKILL once the main child has exited.
	Grace time.Duration
	// Log receives init's own messages.
	Log *slog.Logger
}

// Run is init with a main command: start it, forward signals to it, reap
// everything, and when it exits end whatever it left behind and return the
// status init should exit with.
func Run(opts Options) int {
	log := opts.Log
	signals := Catch()
	r := NewReaper(log)
	stop := make(chan struct{})
	defer close(stop)
	Go(log, "reaper", func() { r.Run(stop) })
	BecomeSubreaper(log)

	code := runMain(r, opts, signals)
	EndAll(r, log, opts.Grace, signals, func(s os.Signal) {
		if s == syscall.SIGCHLD {
			r.Kick()
		}
	})
	if opts.RemapExit[code] {
		log.Debug("exit code remapped to 0", "code", code)
		code = 0
	}
	return code
}

// runMain starts the main child and forwards signals until it exits.
func runMain(r *Reaper, opts Options, signals <-chan os.Signal) int {
	log := opts.Log
	pid, exited, err := startMain(r, opts.Command)
	if err != nil {
		var se *StartError
		if errors.As(err, &se) {
			log.Error(se.Error())
			return se.Code
		}
		log.Error("cannot start command", "err", err)
		return 126
	}
	log.Debug("started", "pid", pid, "argv", opts.Command)
	for {
		select {
		case e := <-exited:
			log.Debug("main command exited", "pid", pid, "status", e.String())
			return e.Code()
		case s := <-signals:
			sig := s.(syscall.Signal)
			if sig == syscall.SIGCHLD {
				r.Kick()
				continue
			}
			Guard(log, "forward", func() { forward(log, opts.Forwarding, pid, sig) })
		}
	}
}

func forward(log *slog.Logger, f Forwarding, pid int, sig syscall.Signal) {
	sent, err := f.Forward(pid, sig)
	switch {
	case err != nil && !errors.Is(err, syscall.ESRCH):
		log.Warn("cannot forward signal", "signal", sig.String(), "pid", pid, "err", err)
	case sent != 0:
		log.Debug("forwarded signal", "received", sig.String(), "sent", sent.String(), "pid", pid)
	}
}

// startMain starts the main child in a process group of its own (so -g can
// signal the group without reaching init). When stdin is a terminal the group
// also gets the terminal's foreground, which is what gives `docker run -it`
// shells job control and delivers Ctrl-C to the foreground job.
func startMain(r *Reaper, argv []string) (int, <-chan Exit, error) {
	spec := Spec{Argv: argv, Env: os.Environ(), Pgroup: true, Foreground: isTerminal(0)}
	pid, ch, err := r.StartSpec(spec)
	if err != nil && spec.Foreground && errors.Is(err, syscall.ENOTTY) {
		// stdin is a terminal but not init's controlling one.
		spec.Foreground = false
		pid, ch, err = r.StartSpec(spec)
	}
	return pid, ch, err
}

func isTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}
