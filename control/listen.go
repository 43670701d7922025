package control

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// staleDialTimeout bounds the check that a socket in the way is dead: a
// live server answers a connect at once, even when busy.
const staleDialTimeout = time.Second

// ListenUnix listens on a unix socket at path with the given permissions.
// A socket left at path by an init that died is removed first; anything
// else there, a live socket or another kind of file, is an error.
func ListenUnix(path string, mode os.FileMode) (net.Listener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error { return presetMode(c, mode) }}
	ln, err := lc.Listen(context.Background(), "unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w (is its directory writable? choose another path otherwise)", path, err)
	}
	// bind applied the umask to the mode preset; set it exactly.
	if err := os.Chmod(path, mode.Perm()); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// presetMode sets the mode of the socket before bind, because Linux creates
// the socket file with the socket's mode (less the umask): the file is
// never more open than mode, not even between bind and chmod. Setting the
// umask instead would race with the children init starts meanwhile.
func presetMode(c syscall.RawConn, mode os.FileMode) error {
	var err error
	if cerr := c.Control(func(fd uintptr) { err = unix.Fchmod(int(fd), uint32(mode.Perm())) }); cerr != nil {
		return cerr
	}
	return err
}

// removeStale removes a socket nobody listens on. It never removes a file
// that is not a socket, which a mistyped path would otherwise destroy, nor
// a live socket, which belongs to another running init.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("control socket %s: %w", path, err)
	case fi.Mode().Type() != fs.ModeSocket:
		return fmt.Errorf("control socket %s: a file that is not a socket is in the way (remove it, or choose another path)", path)
	}
	conn, err := net.DialTimeout("unix", path, staleDialTimeout)
	if err == nil {
		conn.Close()
		return fmt.Errorf("control socket %s: another process is listening on it (stop it, or choose another path)", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("control socket %s: cannot tell whether it is stale: %w (remove it if nothing uses it, or choose another path)", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("control socket %s: removing stale socket: %w (remove it by hand, or choose another path)", path, err)
	}
	return nil
}
