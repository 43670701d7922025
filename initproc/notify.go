package initproc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// maxNotifySize bounds one datagram. sd_notify messages are a few short
// lines; anything longer is a confused sender, not a message to act on.
const maxNotifySize = 4096

// notifyMsg is what one sd_notify datagram says.
type notifyMsg struct {
	Ready, Stopping, Watchdog bool
	Status                    string
	HasStatus                 bool // STATUS= was sent, perhaps empty to clear it
	MainPID                   int
}

// parseNotify reads one datagram of newline-separated KEY=VALUE lines, as
// systemd does. Keys it does not know are ignored, since sd_notify senders
// freely mix in systemd-only ones (FDSTORE=, RELOADING=...); but a line that
// is not KEY=VALUE means the sender speaks another protocol altogether.
func parseNotify(b []byte) (notifyMsg, error) {
	var m notifyMsg
	if len(b) > maxNotifySize {
		return m, fmt.Errorf("datagram of more than %d bytes", maxNotifySize)
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		key, value, ok := bytes.Cut(line, []byte("="))
		if !ok {
			return notifyMsg{}, fmt.Errorf("line %q is not KEY=VALUE", line)
		}
		if err := m.set(string(key), value); err != nil {
			return notifyMsg{}, err
		}
	}
	return m, nil
}

// set applies one line. Flags only mean something as "1", as in systemd:
// WATCHDOG=trigger, for one, is not a ping.
func (m *notifyMsg) set(key string, value []byte) error {
	one := string(value) == "1"
	switch key {
	case "READY":
		m.Ready = m.Ready || one
	case "STOPPING":
		m.Stopping = m.Stopping || one
	case "WATCHDOG":
		m.Watchdog = m.Watchdog || one
	case "STATUS":
		m.Status, m.HasStatus = string(value), true
	case "MAINPID":
		pid, err := parsePID(value)
		if err != nil {
			return err
		}
		m.MainPID = pid
	}
	return nil
}

// parsePID takes digits only, since Atoi would let a sign through, and
// nothing at or above 2^22, the kernel's largest pid_max.
func parsePID(v []byte) (int, error) {
	bad := fmt.Errorf("MAINPID=%q is not a process ID", v)
	if len(v) == 0 || len(v) > 10 {
		return 0, bad
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	pid, err := strconv.Atoi(string(v))
	if err != nil || pid <= 0 || pid >= 1<<22 {
		return 0, bad
	}
	return pid, nil
}

// notifySocket is one program's NOTIFY_SOCKET. It is a path rather than an
// abstract socket: a child that dropped to another user, or runs in another
// network namespace, can still reach a path through the file system.
type notifySocket struct {
	path string
	conn *net.UnixConn

	malformed atomic.Uint64 // datagrams skipped as unreadable
}

// listenNotify binds a datagram socket at path. The path is made absolute,
// since the child is handed it as is and may run in another directory.
// Only owner (init's user when nil) and root may send to it.
func listenNotify(path string, owner *syscall.Credential) (*notifySocket, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// sun_path holds 108 bytes with its NUL; say so instead of the kernel's
	// bare EINVAL.
	if len(path) >= 108 {
		return nil, fmt.Errorf("socket path %s is longer than 107 bytes", path)
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	if err := restrictNotify(path, owner); err != nil {
		conn.Close()
		os.Remove(path)
		return nil, err
	}
	return &notifySocket{path: path, conn: conn}, nil
}

// restrictNotify lets only the program's user (and root) send: another
// process in the container could otherwise report the program ready or
// keep its watchdog fed. Sending to a socket takes write permission on its
// file, so mode 0600 and the program's uid as owner say exactly that.
func restrictNotify(path string, owner *syscall.Credential) error {
	if err := os.Chmod(path, 0o600); err != nil {
		return err
	}
	if owner == nil || int(owner.Uid) == os.Geteuid() {
		return nil
	}
	return os.Chown(path, int(owner.Uid), int(owner.Gid))
}

// removeStaleSocket clears a socket left by an earlier init, which would
// make the bind fail. Anything else at the path is not ours to delete.
func removeStaleSocket(path string) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case st.Mode().Type() != fs.ModeSocket:
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	return os.Remove(path)
}

// run hands each well-formed datagram to deliver until the socket is
// closed. A bad datagram is one program's mistake, so it is counted and
// skipped rather than ending the socket for good.
func (n *notifySocket) run(deliver func(notifyMsg)) {
	// One byte more than a datagram may hold, so that a longer one shows
	// as too long rather than being cut to a valid size.
	buf := make([]byte, maxNotifySize+1)
	for {
		size, err := n.conn.Read(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Not expected on a datagram socket; the pause keeps one that
			// repeats from spinning a CPU.
			n.malformed.Add(1)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		m, err := parseNotify(buf[:size])
		if err != nil {
			n.malformed.Add(1)
			continue
		}
		deliver(m)
	}
}

// close stops run and removes the socket file, so that a program sending
// afterwards gets an error instead of writing to nobody.
func (n *notifySocket) close() error {
	err := n.conn.Close()
	if rerr := os.Remove(n.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}
