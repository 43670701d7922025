package initproc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// RotatingFile is a supervisord-style log file: when a write would take it
// past maxBytes, path.N becomes path.N+1 (the oldest beyond backups is
// replaced), path becomes path.1 and a new path is started. maxBytes 0
// means never rotate; backups 0 means the file is truncated instead.
//
// The console paths (/dev/stdout, /dev/stderr and their /dev/fd and
// /proc/self/fd spellings) stand for init's own output and are written to
// directly: they are never seeked, rotated, reopened or closed, so any
// maxBytes is accepted there. Other files that are not regular files
// (/dev/null, a terminal, a FIFO) are never rotated either.
type RotatingFile struct {
	path     string
	maxBytes int64
	backups  int

	mu        sync.Mutex
	file      *os.File // nil after a failed open; the next Write tries again
	size      int64
	rotatable bool
	console   bool
	closed    bool
}

// OpenRotatingFile opens path for appending, creating it with mode 0644.
// Its directory must exist already.
func OpenRotatingFile(path string, maxBytes int64, backups int) (*RotatingFile, error) {
	if backups < 0 {
		backups = 0
	}
	f := &RotatingFile{path: path, maxBytes: maxBytes, backups: backups}
	if out, ok := consoleFile(path); ok {
		f.file, f.console = out, true
		return f, nil
	}
	if err := f.open(); err != nil {
		return nil, err
	}
	return f, nil
}

// consoleFile returns init's own stream that path names, if it names one.
// Opening /dev/stdout anew would fail when init's output is a socket and
// would seek on some kernels; the file init already has works everywhere.
func consoleFile(path string) (*os.File, bool) {
	switch filepath.Clean(path) {
	case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return os.Stdout, true
	case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2":
		return os.Stderr, true
	}
	return nil, false
}

// Write appends p, rotating first if p would take the file past maxBytes.
// Callers write whole lines, so the rotation never splits one. A failed
// rotation is reported but p is still written to the current file: a file
// over its size is better than a lost line.
func (f *RotatingFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	written := 0
	for {
		chunk, rest := f.fit(p)
		n, err := f.writeLocked(chunk)
		written += n
		if err != nil || len(rest) == 0 {
			return written, err
		}
		p = rest
	}
}

// fit splits p at the last line end that still fits in the current file,
// so that a batch of lines is spread over rotations and each file stays
// within maxBytes. A single line longer than that is kept whole.
func (f *RotatingFile) fit(p []byte) (chunk, rest []byte) {
	if !f.rotatable || f.maxBytes <= 0 || f.size+int64(len(p)) <= f.maxBytes {
		return p, nil
	}
	room := f.maxBytes - f.size
	if room <= 0 {
		room = f.maxBytes
	}
	cut := bytes.LastIndexByte(p[:min(int64(len(p)), room)], '\n')
	if cut < 0 {
		// Not even one line fits: write the first line alone, which
		// rotates first, and go on in the fresh file.
		if cut = bytes.IndexByte(p, '\n'); cut < 0 {
			return p, nil
		}
	}
	return p[:cut+1], p[cut+1:]
}

func (f *RotatingFile) writeLocked(p []byte) (int, error) {
	if f.closed {
		return 0, fmt.Errorf("log file %s: %w", f.path, os.ErrClosed)
	}
	if f.file == nil {
		if err := f.open(); err != nil {
			return 0, err
		}
	}
	var rotErr error
	if f.needsRotation(len(p)) {
		rotErr = f.rotate()
		if f.file == nil {
			return 0, rotErr
		}
	}
	n, err := f.append(p)
	if err != nil {
		return n, err
	}
	return n, rotErr
}

// append writes p and, when the disk fills up part way, cuts the file back
// to where it was, so that the file holds whole lines only and writing
// resumes on a line boundary once there is room again.
func (f *RotatingFile) append(p []byte) (int, error) {
	n, err := f.file.Write(p)
	f.size += int64(n)
	if err == nil || n == 0 || !f.rotatable {
		return n, err
	}
	if st, serr := f.file.Stat(); serr == nil && st.Size() >= int64(n) {
		if f.file.Truncate(st.Size()-int64(n)) == nil {
			f.size = st.Size() - int64(n)
			n = 0
		}
	}
	return n, err
}

// needsRotation re-reads the size before saying yes, because someone may
// have truncated the file behind our back.
func (f *RotatingFile) needsRotation(n int) bool {
	if !f.rotatable || f.maxBytes <= 0 || f.size+int64(n) <= f.maxBytes {
		return false
	}
	if st, err := f.file.Stat(); err == nil {
		f.size = st.Size()
	}
	return f.size > 0 && f.size+int64(n) > f.maxBytes
}

func (f *RotatingFile) rotate() error {
	if f.backups == 0 {
		if err := f.file.Truncate(0); err != nil {
			return fmt.Errorf("log file %s: truncate: %w", f.path, err)
		}
		f.size = 0
		return nil
	}
	for i := f.backups - 1; i >= 1; i-- {
		err := os.Rename(f.backupName(i), f.backupName(i+1))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("log file %s: rotate: %w", f.path, err)
		}
	}
	if err := os.Rename(f.path, f.backupName(1)); err != nil {
		return fmt.Errorf("log file %s: rotate: %w", f.path, err)
	}
	f.file.Close()
	f.file = nil
	return f.open()
}

func (f *RotatingFile) backupName(i int) string {
	return f.path + "." + strconv.Itoa(i)
}

// open (re)opens path for appending; O_APPEND keeps several writers, and a
// file truncated by someone else, from leaving holes.
func (f *RotatingFile) open() error {
	file, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("log file %s: directory %s does not exist", f.path, filepath.Dir(f.path))
	}
	if err != nil {
		return fmt.Errorf("log file %s: %w", f.path, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return fmt.Errorf("log file %s: %w", f.path, err)
	}
	f.file, f.size, f.rotatable = file, st.Size(), st.Mode().IsRegular()
	return nil
}

// Reopen closes the file and opens path again, for log rotation done by
// someone else: they move the file away and ask for a reopen. If the open
// fails, the next Write tries again.
func (f *RotatingFile) Reopen() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("log file %s: %w", f.path, os.ErrClosed)
	}
	if f.console {
		return nil
	}
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
	return f.open()
}

// Close closes the file; init's own output is left open.
func (f *RotatingFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	if f.console || f.file == nil {
		return nil
	}
	err := f.file.Close()
	f.file = nil
	return err
}
