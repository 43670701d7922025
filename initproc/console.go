package initproc

import (
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// Console is one of init's own output streams (stdout or stderr), shared by
// every program.
//
// Every write goes out in one Write call under the lock, so lines from
// different programs never interleave mid-line, however long they are and
// whatever kind of file init's output is. A slow reader of init's output
// blocks the lock, and with it every program writing there: that is the
// back-pressure that keeps init from buffering without bound.
type Console struct {
	mu sync.Mutex
	w  io.Writer
}

// NewConsole returns a Console writing to w.
func NewConsole(w io.Writer) *Console {
	return &Console{w: w}
}

// WriteLine writes prefix+line+"\n" with one Write call under the lock; line
// has no trailing newline.
func (c *Console) WriteLine(prefix string, line []byte) error {
	b := make([]byte, 0, len(prefix)+len(line)+1)
	b = append(append(append(b, prefix...), line...), '\n')
	return c.write(b)
}

// write sends p, which must hold whole lines only, in one Write call. The
// bytes are built before the lock is taken so the lock is held only for
// the write itself.
func (c *Console) write(p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return err
}

// PadPrefix returns the console prefix for a program: name padded to width
// characters, then " | ", as docker compose does, so that the output of
// programs with names of different lengths lines up.
func PadPrefix(name string, width int) string {
	pad := width - utf8.RuneCountInString(name)
	if pad < 0 {
		pad = 0
	}
	return name + strings.Repeat(" ", pad) + " | "
}

// Write lets init's own logger share the console: each call is one whole
// log line, so it never lands inside a program's line.
func (c *Console) Write(p []byte) (int, error) {
	if err := c.write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// StdConsoles returns the consoles for init's stdout and stderr. When both
// are the same file (a terminal, or one pipe for both as docker run -t and
// many CI runners give), they are one console with one lock, or lines
// written to each could still mix.
func StdConsoles() (stdout, stderr *Console) {
	stdout = NewConsole(os.Stdout)
	var a, b unix.Stat_t
	if unix.Fstat(1, &a) == nil && unix.Fstat(2, &b) == nil && a.Dev == b.Dev && a.Ino == b.Ino {
		return stdout, stdout
	}
	return stdout, NewConsole(os.Stderr)
}
