package control

import (
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestNewServerLimits(t *testing.T) {
	srv := NewServer(http.NotFoundHandler())
	if srv.Handler == nil || srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 ||
		srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Errorf("a limit is unset: %+v", srv)
	}
	if srv.WriteTimeout <= DefaultLivenessTimeout {
		t.Errorf("WriteTimeout %v cuts off a scrape waiting %v for init", srv.WriteTimeout, DefaultLivenessTimeout)
	}
}

func TestListenUnixMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o700, 0o770, 0o777} {
		path := filepath.Join(t.TempDir(), "vigil.sock")
		ln, err := ListenUnix(path, mode)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != mode {
			t.Errorf("socket mode %v, want a socket with %v", fi.Mode(), mode)
		}
		ln.Close()
	}
}

func TestListenUnixServes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.sock")
	ln, err := ListenUnix(path, 0o700)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(NewHandler(&fakeSource{}, Options{}))
	go srv.Serve(ln)
	defer srv.Close()
	c := &http.Client{Transport: &http.Transport{Dial: func(_, _ string) (net.Conn, error) { return net.Dial("unix", path) }}}
	resp, err := c.Get("http://vigil/livez")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/livez over the socket: %d", resp.StatusCode)
	}
}

func TestListenUnixRemovesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.sock")
	old, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	old.SetUnlinkOnClose(false) // as when init died without cleaning up
	old.Close()
	ln, err := ListenUnix(path, 0o700)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	ln.Close()
}

func TestListenUnixRefusesLiveSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.sock")
	live, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if ln, err := ListenUnix(path, 0o700); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("took over a live socket, or did not name it: %v", err)
		if ln != nil {
			ln.Close()
		}
	}
}

func TestListenUnixRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("keep me"), 0o600)
	link := filepath.Join(dir, "link")
	os.Symlink(file, link)
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	for _, path := range []string{file, link, fifo, dir} {
		ln, err := ListenUnix(path, 0o700)
		if err == nil {
			ln.Close()
			t.Errorf("%s: replaced a file that is not a socket", path)
			continue
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "choose another path") {
			t.Errorf("error does not name the path or say what to do: %v", err)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep me" {
		t.Errorf("regular file damaged: %q %v", b, err)
	}
}

func TestListenUnixMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "vigil.sock")
	if _, err := ListenUnix(path, 0o700); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("want an error naming %s, got %v", path, err)
	}
}

// TestPresetModeBeatsUmask checks the mode bind gives the socket file, before
// ListenUnix's chmod: with no umask at all it must still be no more open
// than asked, or another user could connect in between.
func TestPresetModeBeatsUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "s")
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error { return presetMode(c, 0o700) }}
	ln, err := lc.Listen(t.Context(), "unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&^0o700 != 0 {
		t.Errorf("socket created %v under umask 0, want at most 0700", perm)
	}
}
