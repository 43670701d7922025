package initproc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// streamLog returns a logger whose text the test can read.
func streamLog() (*slog.Logger, *syncWriter) {
	w := &syncWriter{}
	return slog.New(slog.NewTextHandler(w, nil)), w
}

func newPipe(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// payload is line n of source src in the interleaving test: numbered, and
// of a length that varies from line to line.
func payload(src, n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	k := (n * 7919) % 300
	body := strings.Repeat(letters, k/26+2)[n%26 : n%26+k]
	return fmt.Sprintf("%d:%d:%s", src, n, body)
}

// TestConsoleLinesNeverInterleave pumps many programs into one console at
// once, each writing through a pipe in chunks that cut lines anywhere.
func TestConsoleLinesNeverInterleave(t *testing.T) {
	const sources, perSource = 8, 100_000
	names := []string{"web", "worker", "db", "a", "cron-job", "api", "queue", "x"}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	cr, cw := newPipe(t)
	console := NewConsole(cw)
	checked := make(chan error, 1)
	go func() { checked <- checkInterleaved(cr, names, width, perSource) }()

	var pumps sync.WaitGroup
	for i := range sources {
		sr, sw := newPipe(t)
		s := NewStream(StreamConfig{Prefix: PadPrefix(names[i], width), Console: console}, nil)
		pumps.Go(func() {
			if err := s.Pump(sr); err != nil {
				t.Errorf("pump %d: %v", i, err)
			}
		})
		go func() {
			bw := bufio.NewWriterSize(sw, 4096+i*100)
			for n := range perSource {
				bw.WriteString(payload(i, n) + "\n")
			}
			bw.Flush()
			sw.Close()
		}()
	}
	pumps.Wait()
	cw.Close()
	if err := <-checked; err != nil {
		t.Fatal(err)
	}
}

func checkInterleaved(r io.Reader, names []string, width, perSource int) error {
	source := map[string]int{}
	for i, n := range names {
		source[PadPrefix(n, width)] = i
	}
	next := make([]int, len(names))
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if len(line) < width+3 {
			return fmt.Errorf("line without a prefix: %q", line)
		}
		prefix, rest := line[:width+3], line[width+3:]
		i, ok := source[prefix]
		if !ok {
			return fmt.Errorf("bad prefix in %q", line)
		}
		if want := payload(i, next[i]); rest != want {
			return fmt.Errorf("from %s got %q, want %q", names[i], rest, want)
		}
		next[i]++
	}
	for i, n := range next {
		if n != perSource {
			return fmt.Errorf("%s: %d lines, want %d", names[i], n, perSource)
		}
	}
	return sc.Err()
}

// everywhere is a stream writing to a console buffer, a log file and a ring.
type everywhere struct {
	s       *Stream
	console *bytes.Buffer
	path    string
	ring    *Ring
}

func newEverywhere(t *testing.T, prefix string) *everywhere {
	t.Helper()
	e := &everywhere{console: &bytes.Buffer{}, path: filepath.Join(t.TempDir(), "out.log"), ring: NewRing(4 << 20)}
	f, err := OpenRotatingFile(e.path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	e.s = NewStream(StreamConfig{Prefix: prefix, Console: NewConsole(e.console), File: f, Ring: e.ring}, nil)
	return e
}

// check compares the raw output (file and ring) and the console output.
func (e *everywhere) check(t *testing.T, raw, console string) {
	t.Helper()
	if got := e.console.String(); got != console {
		t.Errorf("console: got %d bytes %.80q, want %d bytes %.80q", len(got), got, len(console), console)
	}
	file, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != raw {
		t.Errorf("file: got %d bytes %.80q, want %d bytes %.80q", len(file), file, len(raw), raw)
	}
	ring, _ := e.ring.Read(0, 0)
	if string(ring) != raw {
		t.Errorf("ring: got %d bytes %.80q, want %d bytes %.80q", len(ring), ring, len(raw), raw)
	}
}

func TestPumpLastLineGetsNewline(t *testing.T) {
	e := newEverywhere(t, "web | ")
	if err := e.s.Pump(strings.NewReader("one\ntwo\nthree")); err != nil {
		t.Fatal(err)
	}
	e.check(t, "one\ntwo\nthree\n", "web | one\nweb | two\nweb | three\n")
}

func TestPumpEmptyLinesAndNoOutput(t *testing.T) {
	e := newEverywhere(t, "p | ")
	if err := e.s.Pump(strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Pump(strings.NewReader("\n\nx\n")); err != nil {
		t.Fatal(err)
	}
	e.check(t, "\n\nx\n", "p | \np | \np | x\n")
}

func TestPumpCutsLongLines(t *testing.T) {
	const piece = 64 << 10
	for _, tail := range []string{"", "\n"} {
		e := newEverywhere(t, "big | ")
		line := bytes.Repeat([]byte("z"), 1<<20)
		if err := e.s.Pump(io.MultiReader(bytes.NewReader(line), strings.NewReader(tail))); err != nil {
			t.Fatal(err)
		}
		want := strings.Repeat(strings.Repeat("z", piece)+"\n", 16)
		wantConsole := strings.Repeat("big | "+strings.Repeat("z", piece)+"\n", 16)
		e.check(t, want, wantConsole)
	}
}

func TestPumpLongLineThenMore(t *testing.T) {
	const piece = 64 << 10
	e := newEverywhere(t, "")
	in := strings.Repeat("a", piece+5) + "\nb\n"
	if err := e.s.Pump(iotestChunks(strings.NewReader(in), 1000)); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("a", piece) + "\naaaaa\nb\n"
	e.check(t, want, want)
}

func TestPumpPassesBinaryUnchanged(t *testing.T) {
	var in []byte
	for i := range 4096 {
		in = append(in, byte(i*131+i/256))
	}
	in = append(in, '\n')
	e := newEverywhere(t, "")
	if err := e.s.Pump(iotestChunks(bytes.NewReader(in), 333)); err != nil {
		t.Fatal(err)
	}
	e.check(t, string(in), string(in))

	e = newEverywhere(t, "bin | ")
	if err := e.s.Pump(bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	prefixed := "bin | " + strings.ReplaceAll(strings.TrimSuffix(string(in), "\n"), "\n", "\nbin | ") + "\n"
	e.check(t, string(in), prefixed)
}

// chunkReader hands out at most n bytes a Read, like a pipe read while the
// writer is still writing.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

func iotestChunks(r io.Reader, n int) io.Reader { return &chunkReader{r, n} }

// scriptedReader returns its steps one Read at a time.
type scriptedReader struct {
	steps []any // string or error
}

func (s *scriptedReader) Read(p []byte) (int, error) {
	if len(s.steps) == 0 {
		return 0, io.EOF
	}
	step := s.steps[0]
	s.steps = s.steps[1:]
	if err, ok := step.(error); ok {
		return 0, err
	}
	return copy(p, step.(string)), nil
}

func TestPumpRetriesEAGAIN(t *testing.T) {
	e := newEverywhere(t, "")
	r := &scriptedReader{steps: []any{"par", syscall.EAGAIN, "tial\nmo", syscall.EINTR, "re"}}
	if err := e.s.Pump(r); err != nil {
		t.Fatal(err)
	}
	e.check(t, "partial\nmore\n", "partial\nmore\n")
}

func TestPumpReturnsReadErrorAfterFlushing(t *testing.T) {
	e := newEverywhere(t, "")
	boom := errors.New("boom")
	err := e.s.Pump(&scriptedReader{steps: []any{"a\nhalf", boom, "never"}})
	if !errors.Is(err, boom) {
		t.Fatalf("Pump = %v, want %v", err, boom)
	}
	e.check(t, "a\nhalf\n", "a\nhalf\n")
}

func TestPumpWithoutDestinationsDrains(t *testing.T) {
	s := NewStream(StreamConfig{}, nil)
	r := strings.NewReader(strings.Repeat("x\n", 100000))
	if err := s.Pump(r); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 {
		t.Fatalf("%d bytes left unread", r.Len())
	}
}

// TestPumpBackPressure: while nobody reads init's output, the pump stops
// reading and the program blocks in write, with a bounded amount of output
// in between; once init's output is read, everything arrives.
func TestPumpBackPressure(t *testing.T) {
	const lines, bound = 100_000, 1 << 20
	line := []byte(strings.Repeat("x", 99) + "\n")
	cr, cw := newPipe(t)
	sr, sw := newPipe(t)
	ring := NewRing(1 << 10)
	s := NewStream(StreamConfig{Prefix: "bp | ", Console: NewConsole(cw), Ring: ring}, nil)
	pumped := make(chan error, 1)
	go func() { pumped <- s.Pump(sr) }()

	// Write until one write has been stuck for a while: the program is
	// blocked, since the pump is. Without back-pressure all of it would go.
	total := lines * len(line)
	written := writeUntilBlocked(t, sw, line, total)
	if written >= bound {
		t.Fatalf("%d bytes went in while nobody read the output; want fewer than %d", written, bound)
	}
	select {
	case err := <-pumped:
		t.Fatalf("pump returned %v while its output was blocked", err)
	default:
	}
	t.Logf("the program blocked after writing %d bytes, %d of them through the pump", written, ring.Size())

	got := make(chan int, 1)
	go func() { got <- countLines(t, cr, "bp | "+string(line)) }()
	sw.SetWriteDeadline(time.Time{})
	rest := bytes.Repeat(line, lines)[written:]
	if _, err := sw.Write(rest); err != nil {
		t.Fatal(err)
	}
	sw.Close()
	if err := <-pumped; err != nil {
		t.Fatal(err)
	}
	cw.Close()
	if n := <-got; n != lines {
		t.Fatalf("%d lines arrived, want %d", n, lines)
	}
	if ring.Size() != int64(total) {
		t.Fatalf("ring saw %d bytes, want %d", ring.Size(), total)
	}
}

// writeUntilBlocked writes copies of line to w until one write makes no
// progress for a while or total bytes are written, and says how many
// bytes went in.
func writeUntilBlocked(t *testing.T, w *os.File, line []byte, total int) int {
	t.Helper()
	written := 0
	for written < total {
		w.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := w.Write(line[written%len(line):])
		written += n
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return written
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return written
}

func countLines(t *testing.T, r io.Reader, want string) int {
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		if sc.Text()+"\n" != want {
			t.Errorf("line %d = %q", n, sc.Text())
		}
		n++
	}
	return n
}

// failingWriter fails with ENOSPC while full is set.
type failingWriter struct {
	mu   sync.Mutex
	full bool
	got  bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.full {
		return 0, &os.PathError{Op: "write", Path: "/logs/app.log", Err: syscall.ENOSPC}
	}
	return w.got.Write(p)
}

func (w *failingWriter) setFull(full bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.full = full
}

func TestPumpFileErrorReportedOncePerEpisode(t *testing.T) {
	log, logText := streamLog()
	var console bytes.Buffer
	s := NewStream(StreamConfig{Console: NewConsole(&console)}, log)
	file := &failingWriter{}
	s.file = file
	lines := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	pump := func(from, to int) {
		t.Helper()
		// one Read a line: one file write a line
		if err := s.Pump(iotestChunks(strings.NewReader(lines(from, to)), 7)); err != nil {
			t.Fatal(err)
		}
	}
	pump(1, 5)
	file.setFull(true)
	pump(6, 200)
	file.setFull(false)
	pump(201, 210)
	file.setFull(true)
	pump(211, 220)
	file.setFull(false)
	pump(221, 221)

	if got := strings.Count(logText.String(), "cannot write program output to its log file"); got != 2 {
		t.Errorf("%d failure reports for 2 episodes:\n%s", got, logText)
	}
	if got := strings.Count(logText.String(), "again"); got != 2 {
		t.Errorf("%d recovery reports for 2 episodes:\n%s", got, logText)
	}
	if !strings.Contains(logText.String(), "no space left on device") {
		t.Errorf("log does not give the error:\n%s", logText)
	}
	if console.String() != lines(1, 221) {
		t.Errorf("console lost lines while the file failed")
	}
	if want := lines(1, 5) + lines(201, 210) + lines(221, 221); file.got.String() != want {
		t.Errorf("file got %q, want %q", file.got.String(), want)
	}
}

// TestPumpFullFilesystem fills a real, small file system under a log file.
func TestPumpFullFilesystem(t *testing.T) {
	mnt := smallTmpfs(t)
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, 40<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRotatingFile(filepath.Join(mnt, "app.log"), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, logText := streamLog()
	var console bytes.Buffer
	s := NewStream(StreamConfig{Prefix: "app | ", Console: NewConsole(&console), File: f}, log)

	line := func(i int) string { return fmt.Sprintf("%05d %s\n", i, strings.Repeat("f", 93)) }
	pump := func(from, to int) {
		t.Helper()
		var b strings.Builder
		for i := from; i <= to; i++ {
			b.WriteString(line(i))
		}
		if err := s.Pump(iotestChunks(strings.NewReader(b.String()), 100)); err != nil {
			t.Fatal(err)
		}
	}
	pump(1, 10)
	pump(11, 400) // 39 KB more: far more than fits
	if got := strings.Count(logText.String(), "cannot write"); got != 1 {
		t.Fatalf("%d failure reports, want 1:\n%s", got, logText)
	}
	if n := strings.Count(console.String(), "\n"); n != 400 {
		t.Fatalf("console got %d lines, want 400", n)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	pump(401, 410)
	if !strings.Contains(logText.String(), "again") {
		t.Errorf("no recovery report:\n%s", logText)
	}
	content, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	checkWholeLinesInOrder(t, string(content), line)
	if !strings.HasPrefix(string(content), line(1)) || !strings.HasSuffix(string(content), line(410)) {
		t.Errorf("file lacks the first or the last lines")
	}
}

// checkWholeLinesInOrder checks that the file holds whole lines only,
// numbered upwards: some may be missing, none may be cut.
func checkWholeLinesInOrder(t *testing.T, content string, line func(int) string) {
	t.Helper()
	last := 0
	for l := range strings.Lines(content) {
		var i int
		if _, err := fmt.Sscanf(l, "%05d", &i); err != nil || l != line(i) || i <= last {
			t.Fatalf("bad line after line %d: %q", last, l)
		}
		last = i
	}
}

// smallTmpfs mounts a 64 KiB tmpfs for the test. Only root can; others
// skip, except in CI, where the test must run.
func smallTmpfs(t *testing.T) string {
	t.Helper()
	needRoot(t, "mounting a small file system")
	mnt := filepath.Join(t.TempDir(), "fs")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	return mnt
}
