package initproc

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// maxLineBytes is the longest piece of output handled as one line. A longer
// line is cut into pieces of this size, each shown as a line of its own,
// so one endless line can neither hold the console lock for long nor make
// init buffer without bound.
const maxLineBytes = 64 << 10

// StreamConfig says where one output stream of one program goes.
type StreamConfig struct {
	Prefix  string        // "" for none; already padded, e.g. "web  | "
	Console *Console      // nil: not shown on init's output
	File    *RotatingFile // nil: no file
	Ring    *Ring         // nil: no tail
}

// Stream is one output stream (stdout or stderr) of one program. It
// outlives each run of the program, as its ring and file do.
type Stream struct {
	prefix  string
	console *Console
	file    io.Writer // an interface so that tests can make it fail
	ring    *Ring

	fileErr    writeTrouble
	consoleErr writeTrouble
}

// NewStream returns a stream sending output where cfg says; write
// failures are reported to log.
func NewStream(cfg StreamConfig, log *slog.Logger) *Stream {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Stream{prefix: cfg.Prefix, console: cfg.Console, ring: cfg.Ring}
	s.consoleErr = writeTrouble{log: log, dest: "init's output"}
	s.fileErr = writeTrouble{log: log, dest: "its log file"}
	if cfg.File != nil {
		s.file = cfg.File
		s.fileErr.log = log.With("path", cfg.File.path)
	}
	return s
}

// Pump copies r to the stream's destinations line by line until EOF, or a
// read error other than EAGAIN, and returns that error (nil at EOF). It is
// called once per run of the program, from its own goroutine.
//
// The console gets each line with the prefix; the file and the ring get
// the raw bytes of each line and a newline. A last line without a newline
// gets one. Writes are synchronous: while a destination is slow, Pump does
// not read, so the program blocks writing instead of init buffering. A
// failing file or console is reported, once, and the other destinations
// carry on.
func (s *Stream) Pump(r io.Reader) error {
	p := linePump{s: s, buf: make([]byte, maxLineBytes)}
	for {
		n, err := r.Read(p.buf[p.n:])
		p.n += n
		p.drain()
		if err == nil {
			continue
		}
		if retryableRead(err) {
			waitReadable(r)
			continue
		}
		p.finish()
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
}

// linePump is the state of one Pump call.
type linePump struct {
	s   *Stream
	buf []byte // bytes read but not sent yet: the start of a line
	n   int
	out []byte // console bytes being assembled

	// cut is set when a full buffer was sent as a piece of a longer line;
	// a newline right after it ends that line rather than adding an
	// empty one.
	cut bool
}

// drain sends every whole line held, and the whole buffer if it holds no
// newline at all, and keeps the rest for the next read.
func (p *linePump) drain() {
	data := p.buf[:p.n]
	if len(data) > 0 && p.cut {
		p.cut = false
		if data[0] == '\n' {
			data = data[1:]
		}
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		p.lines(data[:i+1])
		data = data[i+1:]
	}
	if len(data) == len(p.buf) {
		p.piece(data)
		data, p.cut = nil, true
	}
	p.n = copy(p.buf, data)
}

// finish sends what is left, a line missing its newline, when the input ends.
func (p *linePump) finish() {
	if p.n > 0 {
		p.piece(p.buf[:p.n])
		p.n = 0
	}
}

// lines sends data, one or more lines each ending with a newline.
func (p *linePump) lines(data []byte) {
	p.s.raw(data)
	if p.s.console == nil {
		return
	}
	if p.s.prefix == "" {
		p.s.show(data)
		return
	}
	p.out = p.out[:0]
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		p.out = append(append(p.out, p.s.prefix...), data[:i+1]...)
		data = data[i+1:]
		if len(p.out) >= maxLineBytes {
			p.s.show(p.out)
			p.out = p.out[:0]
		}
	}
	if len(p.out) > 0 {
		p.s.show(p.out)
	}
}

// piece sends data, which has no newline, as a line of its own.
func (p *linePump) piece(data []byte) {
	p.out = append(append(append(p.out[:0], p.s.prefix...), data...), '\n')
	p.s.raw(p.out[len(p.s.prefix):])
	if p.s.console != nil {
		p.s.show(p.out)
	}
}

// raw sends whole lines to the ring and the file.
func (s *Stream) raw(data []byte) {
	if s.ring != nil {
		s.ring.Write(data)
	}
	if s.file != nil {
		n, err := s.file.Write(data)
		s.fileErr.report(err, len(data)-n)
	}
}

// show sends whole lines, prefixed already, to the console.
func (s *Stream) show(data []byte) {
	err := s.console.write(data)
	s.consoleErr.report(err, len(data))
}

// writeTrouble reports a destination's write failures once per run of
// failures rather than once per line, and says when writing works again,
// so that a full disk does not flood init's log.
type writeTrouble struct {
	log  *slog.Logger
	dest string

	mu      sync.Mutex
	failing bool
	lost    int64
}

// report takes the outcome of one write and how many bytes it lost.
func (e *writeTrouble) report(err error, lost int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case err != nil && !e.failing:
		e.failing, e.lost = true, int64(lost)
		e.log.Warn("cannot write program output to "+e.dest+"; will keep trying", "error", err.Error())
	case err != nil:
		e.lost += int64(lost)
	case e.failing:
		// As loud as the failure: whoever saw it wants to know it ended,
		// and what was lost.
		e.failing = false
		e.log.Warn("writing program output to "+e.dest+" again", "lost_bytes", e.lost)
	}
}

// retryableRead reports a read error that means "nothing to read yet", which
// only a reader on a non-blocking descriptor that the runtime does not
// poll can return.
func retryableRead(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)
}

// waitReadable waits until r may have something to read, without
// spinning: with poll(2) on its descriptor when it has one, otherwise
// briefly.
func waitReadable(r io.Reader) {
	if sc, ok := r.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			var perr error
			cerr := rc.Control(func(fd uintptr) {
				fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
				_, perr = unix.Poll(fds, -1)
			})
			if cerr == nil && perr == nil {
				return
			}
		}
	}
	time.Sleep(10 * time.Millisecond)
}
