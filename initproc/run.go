package initproc

import (
	"errors"
	"log/slog"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
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
	// Log receives init's own messages; write it to Stderr.
	Log *slog.Logger
	// Stdout and Stderr are init's own outputs, shared with the programs'
	// output (see StdConsoles).
	Stdout, Stderr *Console

	// The rest concern programs (a Supervisor).

	// Prefix puts each program's name before each of its output lines.
	Prefix bool
	// BaseEnv is the environment programs start from: init's own plus the
	// --env-file files.
	BaseEnv []string
	// ServerURL is given to programs as SUPERVISOR_SERVER_URL.
	ServerURL string
	// ShutdownTimeout bounds the whole shutdown, from the signal to exit;
	// 0 means no bound (the main command then gets as long as it takes,
	// as under tini).
	ShutdownTimeout time.Duration
	// WaitReady starts the main command only once every program is ready,
	// giving up (init exits 1) after WaitReadyTimeout unless that is 0.
	WaitReady        bool
	WaitReadyTimeout time.Duration
	// RuntimeDir holds init's sockets (the programs' NOTIFY_SOCKETs).
	RuntimeDir string
	// Reload reads the config again, for SIGHUP and update requests; nil
	// when there is nothing to re-read.
	Reload func() (*config.Config, error)
}

// Run is init with a main command and no programs, as tini and dumb-init
// are used: start it, forward signals to it, reap everything, and when it
// exits end whatever it left behind and return the status init should exit
// with.
func Run(opts Options) int {
	s, err := NewSupervisor(&config.Config{}, opts)
	if err != nil {
		opts.Log.Error(err.Error())
		return 1
	}
	return s.Run()
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
