package initproc

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
)

// tailBytes is how much of each stream a program keeps in memory for ctl
// tail and supervisorctl.
const tailBytes = 64 << 10

// drainLimit bounds the wait for a program's pipes to reach EOF after it
// exited: a daemon it left behind may hold them open forever. Its output
// still arrives afterwards; only the exit is not held back for it.
const drainLimit = 2 * time.Second

// drainTick is how often an exited program's pipes are checked for unread
// bytes while something it left behind keeps them open.
const drainTick = 5 * time.Millisecond

// program is one supervised process and its output streams, which outlive
// each run.
type program struct {
	cfg            *config.Process
	m              *machine
	pid            int
	stdout, stderr *Stream
	outRing        *Ring
	errRing        *Ring
	files          []*RotatingFile
	logged         State // the last state logged

	deps         []*program // depends_on, resolved
	wanted       bool       // should be running: started, and not stopped since
	waiting      bool       // wanted, but held back until its dependencies are ready
	spawns       uint64     // runs started; all but the first are restarts
	health       HealthState
	healthOut    string
	notifyStatus string
	notify       notifyHandle
	runStop      chan struct{} // closed when the current run ends: stops its checks
	restartAfter bool          // stopped to be restarted (unhealthy, watchdog)
	watchdogGen  uint64        // bumped by every WATCHDOG=1; older timers are stale
	removing     bool          // a reload removed it: it goes once down
	replacement  *program      // a reload changed it: this takes its place once down
}

// readiness says whether the program counts as ready, and if not, why.
func (p *program) readiness() (bool, string) {
	switch {
	case p.waiting:
		return false, p.waitReason()
	case p.m.state != Running:
		return false, "state " + p.m.state.String()
	case p.cfg.Health != nil && p.health != HealthHealthy:
		return false, "health check " + p.health.String()
	}
	return true, ""
}

// waitReason names the first dependency that is not ready yet.
func (p *program) waitReason() string {
	for _, d := range p.deps {
		if ok, _ := d.readiness(); !ok {
			return "waiting for " + d.cfg.Name + " (" + d.m.state.String() + ")"
		}
	}
	return "waiting for its dependencies"
}

// depsReady reports whether every dependency is ready.
func (p *program) depsReady() bool {
	for _, d := range p.deps {
		if ok, _ := d.readiness(); !ok {
			return false
		}
	}
	return true
}

func (s *Supervisor) newProgram(pc *config.Process, width int) (*program, error) {
	p := &program{cfg: pc, m: newMachine(pc), outRing: NewRing(tailBytes), errRing: NewRing(tailBytes)}
	prefix := ""
	if pc.LogPrefix && s.opts.Prefix {
		prefix = PadPrefix(pc.Name, width)
	}
	var err error
	if p.stdout, err = s.newStream(p, pc.Stdout, s.stdout, prefix, p.outRing); err != nil {
		return nil, err
	}
	if !pc.RedirectStderr {
		p.stderr, err = s.newStream(p, pc.Stderr, s.stderr, prefix, p.errRing)
	}
	return p, err
}

// newStream maps a logfile setting to destinations. AUTO, supervisord's
// default file in childlogdir, means init's own stdout or stderr here: in a
// container that is where logs belong.
func (s *Supervisor) newStream(p *program, spec config.LogSpec, console *Console, prefix string, ring *Ring) (*Stream, error) {
	cfg := StreamConfig{Prefix: prefix, Ring: ring}
	switch spec.File {
	case "AUTO":
		cfg.Console = console
	case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		cfg.Console = s.stdout
	case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2":
		cfg.Console = s.stderr
	case "":
	default:
		f, err := OpenRotatingFile(spec.File, spec.MaxBytes, spec.Backups)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p.cfg.Pos, p.cfg.Name, err)
		}
		p.files = append(p.files, f)
		cfg.File = f
	}
	return NewStream(cfg, s.log.With("program", p.cfg.Name)), nil
}

// alive asks the kernel whether the current process is still running,
// without collecting its status (that stays the reaper's job).
func (p *program) alive() bool {
	if p.pid == 0 {
		return false
	}
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, p.pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	// Linux sets si_signo to SIGCHLD when the child has exited, and to 0
	// when it has not; ECHILD means the reaper has already collected it.
	return err == nil && info.Signo == 0
}

func (p *program) signal(sig syscall.Signal, group bool) {
	if p.pid == 0 {
		return
	}
	target := p.pid
	if group {
		target = -p.pid
	}
	syscall.Kill(target, sig)
}

// spawn starts one run of the program; a failure is reported to the
// machine like supervisord's spawn errors.
func (s *Supervisor) spawn(p *program) {
	now := time.Now()
	spec, pid, exited, readers, err := s.forkRun(p)
	if err != nil {
		s.log.Warn("spawn error", "program", p.cfg.Name, "err", err)
		s.apply(p, p.m.spawnFailed(now, err))
		return
	}
	p.pid = pid
	p.spawns++
	s.log.Info("spawned", "program", p.cfg.Name, "pid", pid)
	s.watch(p, exited, readers)
	s.startRun(p, spec)
	s.apply(p, p.m.spawned(now))
}

// forkRun forks the program with its output on fresh pipes (one pipe for
// both with redirect_stderr) and returns the read ends, stdout's first.
func (s *Supervisor) forkRun(p *program) (Spec, int, <-chan Exit, []*os.File, error) {
	spec, err := s.spec(p)
	if err != nil {
		return spec, 0, nil, nil, err
	}
	var readers, writers []*os.File
	defer func() {
		for _, w := range writers {
			w.Close() // the child has its copies
		}
	}()
	for range 1 + btoi(p.stderr != nil) {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(readers)
			return spec, 0, nil, nil, err
		}
		readers, writers = append(readers, r), append(writers, w)
	}
	spec.Files = []uintptr{s.devnull.Fd(), writers[0].Fd(), writers[len(writers)-1].Fd()}
	pid, exited, err := s.startWithUmask(spec, p.cfg.Umask)
	if err != nil {
		closeAll(readers)
		return spec, 0, nil, nil, err
	}
	return spec, pid, exited, readers, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// watch pumps the run's output and reports its exit once what it wrote has
// been read, so a program's last lines are out before anyone hears it
// ended. That is at EOF, or, when a process it left behind holds the pipe
// open, once the pipe is empty.
func (s *Supervisor) watch(p *program, exited <-chan Exit, readers []*os.File) {
	var wg sync.WaitGroup
	pump := func(st *Stream, r *os.File) {
		wg.Add(1)
		s.pumps.Add(1)
		Go(s.log, "pump", func() {
			defer s.pumps.Done()
			defer wg.Done()
			st.Pump(r)
		})
	}
	pump(p.stdout, readers[0])
	if p.stderr != nil {
		pump(p.stderr, readers[1])
	}
	drained := make(chan struct{})
	go func() {
		wg.Wait()
		closeAll(readers)
		close(drained)
	}()
	Go(s.log, "watch", func() {
		e := <-exited
		waitDrained(drained, readers)
		s.events <- exitEvent{p: p, e: e}
	})
}

// waitDrained waits for EOF on the readers, or until the pipes hold no
// unread byte, for at most drainLimit.
func waitDrained(eof <-chan struct{}, readers []*os.File) {
	deadline := time.NewTimer(drainLimit)
	defer deadline.Stop()
	tick := time.NewTicker(drainTick)
	defer tick.Stop()
	for {
		select {
		case <-eof:
			return
		case <-deadline.C:
			return
		case <-tick.C:
			if pipesEmpty(readers) {
				return
			}
		}
	}
}

// pipesEmpty reports whether no reader has unread bytes. The readers stay
// open until their pumps end, so the descriptors cannot be reused meanwhile.
func pipesEmpty(readers []*os.File) bool {
	for _, r := range readers {
		rc, err := r.SyscallConn()
		if err != nil {
			continue
		}
		n := 0
		// TIOCINQ is FIONREAD: on a pipe, the bytes waiting to be read.
		rc.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ) })
		if n > 0 {
			return false
		}
	}
	return true
}

// startWithUmask starts spec with the program's umask. The umask is
// per-process and fork copies it, so it is set around the fork, under the
// reaper's lock that every fork takes.
func (s *Supervisor) startWithUmask(spec Spec, umask int) (int, <-chan Exit, error) {
	if umask < 0 {
		return s.reaper.StartSpec(spec)
	}
	return s.reaper.startSpecWith(spec, func() func() {
		old := syscall.Umask(umask)
		return func() { syscall.Umask(old) }
	})
}

// spec builds how a run starts: environment, user, directory.
func (s *Supervisor) spec(p *program) (Spec, error) {
	env, err := s.cfg.Environ(p.cfg, s.opts.BaseEnv)
	if err != nil {
		return Spec{}, err
	}
	env = append(env, "SUPERVISOR_ENABLED=1", "SUPERVISOR_PROCESS_NAME="+p.cfg.Name,
		"SUPERVISOR_GROUP_NAME="+p.cfg.Group)
	if s.opts.ServerURL != "" {
		env = append(env, "SUPERVISOR_SERVER_URL="+s.opts.ServerURL)
	}
	if p.notify != nil {
		env = append(env, "NOTIFY_SOCKET="+p.notify.path)
		if p.cfg.WatchdogTimeout > 0 {
			env = append(env, fmt.Sprintf("WATCHDOG_USEC=%d", p.cfg.WatchdogTimeout.Microseconds()))
		}
	}
	spec := Spec{Argv: p.cfg.Command, Env: env, Dir: p.cfg.Directory, Pgroup: true}
	if p.cfg.User != "" {
		cred, vars, err := lookupUser(p.cfg.User)
		if err != nil {
			return Spec{}, err
		}
		spec.Credential = cred
		spec.Env = append(spec.Env, vars...)
	}
	return spec, nil
}

// lookupUser resolves user= to ids, supplementary groups and the variables
// supervisord sets for it.
func lookupUser(name string) (*syscall.Credential, []string, error) {
	u, err := user.Lookup(name)
	if err != nil {
		if u, err = user.LookupId(name); err != nil {
			return nil, nil, fmt.Errorf("user %q: no such user", name)
		}
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	gids, err := u.GroupIds()
	if err != nil && !errors.Is(err, user.UnknownGroupIdError(u.Gid)) {
		return nil, nil, fmt.Errorf("user %q: groups: %w", name, err)
	}
	for _, g := range gids {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil && uint32(n) != cred.Gid {
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return cred, []string{"HOME=" + u.HomeDir, "USER=" + u.Username, "LOGNAME=" + u.Username}, nil
}
