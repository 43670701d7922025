package initproc

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseNotify(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want notifyMsg
		err  string
	}{
		{"READY=1\nSTATUS=Listening on :80\n", notifyMsg{Ready: true, Status: "Listening on :80", HasStatus: true}, ""},
		{"READY=1", notifyMsg{Ready: true}, ""},
		{"", notifyMsg{}, ""},
		{"\n\n", notifyMsg{}, ""},
		{"STOPPING=1\nWATCHDOG=1\nMAINPID=4242\n", notifyMsg{Stopping: true, Watchdog: true, MainPID: 4242}, ""},
		{"STATUS=\n", notifyMsg{HasStatus: true}, ""},
		{"STATUS=a=b\n", notifyMsg{Status: "a=b", HasStatus: true}, ""},
		{"STATUS=first\nSTATUS=second\n", notifyMsg{Status: "second", HasStatus: true}, ""},
		{"READY=0\nWATCHDOG=trigger\n", notifyMsg{}, ""},
		{"FDSTORE=1\nERRNO=2\n=x\nready=1\n", notifyMsg{}, ""},
		{"READY=1\nhello\n", notifyMsg{}, "not KEY=VALUE"},
		{"READY", notifyMsg{}, "not KEY=VALUE"},
		{"MAINPID=0", notifyMsg{}, "MAINPID"},
		{"MAINPID=-5", notifyMsg{}, "MAINPID"},
		{"MAINPID=+5", notifyMsg{}, "MAINPID"},
		{"MAINPID=", notifyMsg{}, "MAINPID"},
		{"MAINPID=12x", notifyMsg{}, "MAINPID"},
		{"MAINPID=99999999999999999999", notifyMsg{}, "MAINPID"},
		{"STATUS=" + strings.Repeat("x", maxNotifySize-7), notifyMsg{Status: strings.Repeat("x", maxNotifySize-7), HasStatus: true}, ""},
		{"STATUS=" + strings.Repeat("x", maxNotifySize-6), notifyMsg{}, "more than 4096 bytes"},
	} {
		got, err := parseNotify([]byte(tc.in))
		name := tc.in[:min(len(tc.in), 40)]
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: unexpected error %v", name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one containing %q", name, err, tc.err)
		case got != tc.want:
			t.Errorf("%q: got %+v, want %+v", name, got, tc.want)
		}
	}
}

func FuzzParseNotify(f *testing.F) {
	f.Add([]byte("READY=1\nSTATUS=ok\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseNotify(b)
		if err != nil {
			if m != (notifyMsg{}) {
				t.Fatalf("error %v with a message %+v", err, m)
			}
			return
		}
		if len(b) > maxNotifySize {
			t.Fatalf("accepted %d bytes", len(b))
		}
		if m.MainPID < 0 || (m.Status != "" && !m.HasStatus) {
			t.Fatalf("inconsistent message %+v", m)
		}
		if m.Ready != strings.Contains("\n"+string(b)+"\n", "\nREADY=1\n") {
			t.Fatalf("Ready=%v for %q", m.Ready, b)
		}
	})
}

// notifyTestSocket listens in a fresh directory and runs the socket until
// the test ends, handing out what it delivers.
func notifyTestSocket(t *testing.T) (*notifySocket, <-chan notifyMsg) {
	t.Helper()
	n, err := listenNotify(filepath.Join(t.TempDir(), "n.sock"), nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := make(chan notifyMsg, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.run(func(m notifyMsg) { msgs <- m })
	}()
	t.Cleanup(func() {
		n.close()
		<-done
	})
	return n, msgs
}

func sendNotify(t *testing.T, path string, datagrams ...string) {
	t.Helper()
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range datagrams {
		if _, err := c.Write([]byte(d)); err != nil {
			t.Fatal(err)
		}
	}
}

func expectNotify(t *testing.T, msgs <-chan notifyMsg, want notifyMsg) {
	t.Helper()
	select {
	case m := <-msgs:
		if m != want {
			t.Fatalf("got %+v, want %+v", m, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no message; wanted %+v", want)
	}
}

func TestNotifySocketRoundTrip(t *testing.T) {
	n, msgs := notifyTestSocket(t)
	st, err := os.Stat(n.path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want a socket with 0600", st.Mode())
	}
	sendNotify(t, n.path,
		"READY=1\nSTATUS=Listening on :80\n",
		"garbage",
		"STATUS="+strings.Repeat("x", 2*maxNotifySize),
		"WATCHDOG=1\n")
	expectNotify(t, msgs, notifyMsg{Ready: true, Status: "Listening on :80", HasStatus: true})
	expectNotify(t, msgs, notifyMsg{Watchdog: true})
	if got := n.malformed.Load(); got != 2 {
		t.Fatalf("%d datagrams counted as malformed, want 2", got)
	}
}

func TestNotifySocketRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	n, err := listenNotify("rel.sock", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.close()
	if !filepath.IsAbs(n.path) {
		t.Fatalf("path %q handed to children is relative", n.path)
	}
}

func TestNotifySocketReplacesStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.sock")
	// A socket closed without being unlinked, as a killed init leaves it.
	old, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("setup: stale socket missing: %v", err)
	}
	n, err := listenNotify(path, nil)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	defer n.close()
	sendNotify(t, path, "READY=1")
}

func TestNotifySocketKeepsOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.sock")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := listenNotify(path, nil); err == nil {
		n.close()
		t.Fatal("a regular file in the way was replaced")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "precious" {
		t.Fatalf("file in the way damaged: %q %v", b, err)
	}
}

func TestNotifySocketCloseRemovesFile(t *testing.T) {
	n, err := listenNotify(filepath.Join(t.TempDir(), "n.sock"), nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.run(func(notifyMsg) {})
	}()
	if err := n.close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after close")
	}
	if _, err := os.Lstat(n.path); !os.IsNotExist(err) {
		t.Fatalf("socket file left after close: %v", err)
	}
}

// The real sd_notify client: systemd-notify sends credentials along, and
// must get through all the same.
func TestNotifySystemdNotify(t *testing.T) {
	tool, err := exec.LookPath("systemd-notify")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-notify not found (Debian package systemd) and CI=true forbids skipping")
		}
		t.Skip("systemd-notify is not installed: apt-get install systemd")
	}
	r := probeReaper(t)
	n, msgs := notifyTestSocket(t)
	_, exited, err := r.StartSpec(Spec{Argv: []string{tool, "--ready", "--status=x"},
		Env: []string{"NOTIFY_SOCKET=" + n.path, "PATH=/usr/bin:/bin"}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-exited:
		if e.Code() != 0 {
			t.Fatalf("systemd-notify: %s", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("systemd-notify did not end")
	}
	expectNotify(t, msgs, notifyMsg{Ready: true, Status: "x", HasStatus: true})
}

// Only the program's user and root may send to its notify socket: another
// user in the container cannot report it ready. The senders are this test
// binary, run again as those users.
func TestNotifySocketOnlyForItsUser(t *testing.T) {
	if path := os.Getenv("VIGIL_TEST_NOTIFY_SEND"); path != "" {
		c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
		if err == nil {
			_, err = c.Write([]byte("READY=1"))
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	needRoot(t, "running senders as other users")
	// A directory every user can reach, unlike the test's own; the
	// senders run a copy of the test binary from it.
	dir, err := os.MkdirTemp("", "vigil-notify-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "sender")
	b, err := os.ReadFile(os.Args[0])
	if err == nil {
		err = os.WriteFile(bin, b, 0o755)
	}
	if err != nil {
		t.Fatalf("copy the test binary: %v", err)
	}
	path := filepath.Join(dir, "n.sock")
	n, err := listenNotify(path, &syscall.Credential{Uid: 4321, Gid: 4321})
	if err != nil {
		t.Fatal(err)
	}
	defer n.close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; st.Mode().Perm() != 0o600 || uid != 4321 {
		t.Fatalf("socket %v owned by %d: want mode 0600 owned by 4321", st.Mode(), uid)
	}
	send := func(uid uint32) error {
		cmd := exec.Command(bin, "-test.run=^TestNotifySocketOnlyForItsUser$")
		cmd.Env = append(os.Environ(), "VIGIL_TEST_NOTIFY_SEND="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid, Groups: []uint32{}}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := send(4321); err != nil {
		t.Errorf("the program's user cannot send: %v", err)
	}
	if err := send(4322); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("another user could send: %v", err)
	}
	if err := send(0); err != nil {
		t.Errorf("root cannot send: %v", err)
	}
}
