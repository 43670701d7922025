package initproc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Spec says how to start one child. The zero value of each field means what
// it means to execve: inherit.
type Spec struct {
	// Argv is the command and its arguments. Argv[0] without a slash is
	// looked up in the PATH of Env, as execvp does.
	Argv []string
	// Env is the child's whole environment.
	Env []string
	// Dir is the working directory; empty means init's.
	Dir string
	// Files are the child's fds 0, 1, 2...; nil means init's own 0, 1, 2.
	Files []uintptr
	// Pgroup puts the child in a process group of its own, so the group can
	// be signalled without reaching init.
	Pgroup bool
	// Foreground, with Pgroup, gives that group the terminal on fd 0.
	Foreground bool
	// Credential drops to a user; nil keeps init's.
	Credential *syscall.Credential
}

// StartError is a child that could not be started. Code follows the shell:
// 127 when the command does not exist, 126 when it cannot be executed.
type StartError struct {
	Command string
	Err     error
	Code    int
}

func (e *StartError) Error() string { return fmt.Sprintf("%s: %v", e.Command, e.Err) }
func (e *StartError) Unwrap() error { return e.Err }

// StartSpec forks and execs spec through the reaper. The child's signal handlers
// are the defaults, except that signals init inherited as ignored (and does
// not catch) stay ignored; its signal mask is the one init was started with.
func (r *Reaper) StartSpec(spec Spec) (int, <-chan Exit, error) {
	return r.startSpecWith(spec, nil)
}

// startSpecWith is StartSpec with around called just before the fork, under
// the lock every fork takes; the function it returns runs just after. It
// exists for process-wide settings a fork copies, such as the umask.
func (r *Reaper) startSpecWith(spec Spec, around func() func()) (int, <-chan Exit, error) {
	if len(spec.Argv) == 0 || spec.Argv[0] == "" {
		return 0, nil, &StartError{Command: "(empty)", Err: errors.New("no command given"), Code: 127}
	}
	path, err := lookPath(spec.Argv[0], envValue(spec.Env, "PATH"))
	if err != nil {
		return 0, nil, err
	}
	files := spec.Files
	if files == nil {
		files = []uintptr{0, 1, 2}
	}
	attr := &syscall.ProcAttr{Dir: spec.Dir, Env: spec.Env, Files: files, Sys: &syscall.SysProcAttr{
		Setpgid:    spec.Pgroup || spec.Foreground,
		Foreground: spec.Foreground,
		Ctty:       0,
		Credential: spec.Credential,
	}}
	pid, ch, err := r.Start(func() (int, error) {
		if around != nil {
			defer around()()
		}
		return syscall.ForkExec(path, spec.Argv, attr)
	})
	if err != nil {
		return 0, nil, startError(spec.Argv[0], err)
	}
	return pid, ch, nil
}

func startError(cmd string, err error) error {
	code := 126
	if errors.Is(err, syscall.ENOENT) {
		code = 127
	}
	return &StartError{Command: cmd, Err: err, Code: code}
}

// lookPath resolves a command like execvp, against the child's PATH rather
// than init's.
func lookPath(file, pathEnv string) (string, error) {
	if strings.Contains(file, "/") {
		return file, checkExecutable(file)
	}
	if pathEnv == "" {
		pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	var denied error
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, file)
		err := checkExecutable(p)
		if err == nil {
			return p, nil
		}
		if errors.Is(err, syscall.EACCES) && denied == nil {
			denied = err
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", &StartError{Command: file, Err: errors.New("command not found in PATH"), Code: 127}
}

func checkExecutable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return startError(p, unwrapPathErr(err))
	}
	if st.IsDir() {
		return &StartError{Command: p, Err: errors.New("is a directory"), Code: 126}
	}
	if st.Mode()&0o111 == 0 {
		return &StartError{Command: p, Err: syscall.EACCES, Code: 126}
	}
	return nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}
