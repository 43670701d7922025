package initproc

import (
	"io"
	"os"
	"strings"
	"sync"
	"time"
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
//
// Init's own messages (Write) are queued instead, up to maxQueuedLog, and
// written by a goroutine of the console's: init logs from its supervisor
// loop, and a reader that stops reading must not stop the loop, or the
// probes and the control socket stop answering with it.
type Console struct {
	mu sync.Mutex // held while writing to w
	w  io.Writer

	qmu      sync.Mutex
	queue    []byte     // init's messages not written yet, whole lines
	spare    []byte     // the buffer being written, reused
	room     *sync.Cond // on qmu: the queue was emptied
	flushing bool       // a flusher goroutine runs
}

// maxQueuedLog bounds init's messages waiting for a blocked output: some
// ten thousand lines. Beyond it logging waits for the output again.
const maxQueuedLog = 1 << 20

// NewConsole returns a Console writing to w.
func NewConsole(w io.Writer) *Console {
	c := &Console{w: w}
	c.room = sync.NewCond(&c.qmu)
	return c
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
	// Init's messages queued so far come first, in the order things
	// happened: "spawned" before the program's first line.
	c.flushLocked()
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
// log line, so it never lands inside a program's line. It queues the line
// and returns at once, unless maxQueuedLog bytes wait already; the error
// of the write itself, later, goes nowhere, as a logger could do nothing
// with it.
func (c *Console) Write(p []byte) (int, error) {
	c.qmu.Lock()
	for len(c.queue) > 0 && len(c.queue)+len(p) > maxQueuedLog {
		c.room.Wait()
	}
	c.queue = append(c.queue, p...)
	if !c.flushing {
		c.flushing = true
		go c.flusher()
	}
	c.qmu.Unlock()
	return len(p), nil
}

// flusher writes the queued messages until there are none, then ends, so
// that an idle init has no goroutine of it.
func (c *Console) flusher() {
	for {
		c.mu.Lock()
		c.flushLocked()
		c.mu.Unlock()
		c.qmu.Lock()
		if len(c.queue) == 0 {
			c.flushing = false
			c.qmu.Unlock()
			return
		}
		c.qmu.Unlock()
	}
}

// flushLocked writes the queued messages in one Write; c.mu is held.
func (c *Console) flushLocked() {
	c.qmu.Lock()
	q := c.queue
	if len(q) == 0 {
		c.qmu.Unlock()
		return
	}
	c.queue, c.spare = c.spare[:0], nil
	c.room.Broadcast()
	c.qmu.Unlock()
	_, _ = c.w.Write(q)
	if cap(q) <= 64<<10 { // a burst's large buffer is not kept
		c.qmu.Lock()
		c.spare = q[:0]
		c.qmu.Unlock()
	}
}

// Flush writes the queued messages, waiting for the output at most limit:
// init calls it before it exits, when an output nobody reads must not keep
// it from exiting.
func (c *Console) Flush(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		c.mu.Lock()
		c.flushLocked()
		c.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
	}
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
