package initproc

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rotLine returns line i (from 1) of a test log: 30 bytes with the newline.
func rotLine(i int) string {
	return fmt.Sprintf("line %02d %s\n", i, strings.Repeat("x", 21))
}

func rotWrite(t *testing.T, f *RotatingFile, from, to int) {
	t.Helper()
	for i := from; i <= to; i++ {
		if _, err := f.Write([]byte(rotLine(i))); err != nil {
			t.Fatalf("write line %d: %v", i, err)
		}
	}
}

func rotWant(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString(rotLine(i))
	}
	return b.String()
}

func rotRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func rotAssert(t *testing.T, path, want string) {
	t.Helper()
	if got := rotRead(t, path); got != want {
		t.Errorf("%s:\n got %q\nwant %q", filepath.Base(path), got, want)
	}
}

func rotMissing(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists (err %v), want it missing", filepath.Base(path), err)
	}
}

func rotOpen(t *testing.T, path string, maxBytes int64, backups int) *RotatingFile {
	t.Helper()
	f, err := OpenRotatingFile(path, maxBytes, backups)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestRotationKeepsBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := rotOpen(t, path, 100, 2) // three 30-byte lines a file

	rotWrite(t, f, 1, 3)
	rotAssert(t, path, rotWant(1, 3))
	rotMissing(t, path+".1")

	rotWrite(t, f, 4, 4) // 120 > 100: rotate first
	rotAssert(t, path, rotWant(4, 4))
	rotAssert(t, path+".1", rotWant(1, 3))

	rotWrite(t, f, 5, 10)
	rotAssert(t, path, rotWant(10, 10))
	rotAssert(t, path+".1", rotWant(7, 9))
	rotAssert(t, path+".2", rotWant(4, 6))
	rotMissing(t, path+".3")
}

func TestRotationWithoutBackupsTruncates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := rotOpen(t, path, 100, 0)
	rotWrite(t, f, 1, 7)
	rotAssert(t, path, rotWant(7, 7))
	rotMissing(t, path+".1")
}

func TestMaxBytesZeroNeverRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := rotOpen(t, path, 0, 3)
	rotWrite(t, f, 1, 50)
	rotAssert(t, path, rotWant(1, 50))
	rotMissing(t, path+".1")
}

func TestOversizedWriteIsKeptWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := rotOpen(t, path, 50, 1)
	rotWrite(t, f, 1, 1)
	big := strings.Repeat("y", 80) + "\n"
	if _, err := f.Write([]byte(big)); err != nil {
		t.Fatal(err)
	}
	rotWrite(t, f, 2, 2)
	rotAssert(t, path, rotWant(2, 2))
	rotAssert(t, path+".1", big)
}

func TestOpenAppendsAndCountsExistingBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte(rotWant(1, 3)), 0o600); err != nil {
		t.Fatal(err)
	}
	f := rotOpen(t, path, 100, 1)
	rotWrite(t, f, 4, 4)
	rotAssert(t, path, rotWant(4, 4))
	rotAssert(t, path+".1", rotWant(1, 3))
}

func TestOpenCreatesWithMode0644(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	rotOpen(t, path, 0, 0)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The umask may take bits away but never adds any.
	if perm := st.Mode().Perm(); perm&^0o644 != 0 || perm&0o600 != 0o600 {
		t.Errorf("mode = %v, want 0644 less the umask", perm)
	}
}

func TestOpenInMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "app.log")
	_, err := OpenRotatingFile(path, 0, 0)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v, want one naming %s and saying the directory does not exist", err, path)
	}
}

func TestReopenAfterMoveAway(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	moved := filepath.Join(dir, "app.log.old")
	f := rotOpen(t, path, 0, 0)
	rotWrite(t, f, 1, 1)
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	rotWrite(t, f, 2, 2) // still the moved file, until the reopen
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	rotWrite(t, f, 3, 3)
	rotAssert(t, moved, rotWant(1, 2))
	rotAssert(t, path, rotWant(3, 3))
}

func TestReopenCountsSizeOfNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f := rotOpen(t, path, 100, 1)
	rotWrite(t, f, 1, 3)
	if err := os.Rename(path, filepath.Join(dir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	rotWrite(t, f, 4, 6) // fresh file: no rotation yet
	rotAssert(t, path, rotWant(4, 6))
	rotMissing(t, path+".1")
}

func TestRotationNoticesOutsideTruncation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f := rotOpen(t, path, 100, 1)
	rotWrite(t, f, 1, 3)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	rotWrite(t, f, 4, 4)
	rotAssert(t, path, rotWant(4, 4))
	rotMissing(t, path+".1")
}

func TestWriteAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f, err := OpenRotatingFile(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("late\n")); err == nil {
		t.Fatal("write after Close succeeded")
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNonRegularFileIsNeverRotated(t *testing.T) {
	f := rotOpen(t, os.DevNull, 10, 2)
	for range 5 {
		if _, err := f.Write([]byte("twenty bytes of text\n")); err != nil {
			t.Fatal(err)
		}
	}
	rotMissing(t, os.DevNull+".1")
}

// TestConsolePathIsInitsOwnOutput swaps os.Stdout, so it must not run in
// parallel with anything.
func TestConsolePathIsInitsOwnOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	saved := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = saved }()

	f, err := OpenRotatingFile("/dev/stdout", 1, 3) // any size: never rotated
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"one\n", "two\n"} {
		if _, err := f.Write([]byte(s)); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if err := f.Reopen(); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := w.Write([]byte("still open\n")); err != nil {
		t.Fatalf("init's output was closed: %v", err)
	}
	w.Close()
	got, _ := io.ReadAll(r)
	if want := "one\ntwo\nstill open\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
