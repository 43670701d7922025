package initproc

import (
	"context"
	"errors"
	"sync"
)

// errBadArguments matches supervisord's BAD_ARGUMENTS fault for
// readProcessStdoutLog: a negative length, or a negative offset with a
// length.
var errBadArguments = errors.New("bad arguments: length must not be negative, nor given with a negative offset")

// Ring is a bounded in-memory tail of a stream, addressed by absolute byte
// offsets since the program's first output, like supervisord's log
// offsets. Offsets only ever grow, across restarts and Clear too, so a
// follower's offset stays meaningful whatever happens to the program.
type Ring struct {
	capacity int

	mu    sync.Mutex
	buf   []byte // grows up to capacity on demand; offset o is at buf[o%len(buf)]
	total int64  // bytes ever written: the next offset
	floor int64  // offsets below this were cleared
	wake  chan struct{}
}

// NewRing returns a ring keeping the last capacity bytes; a capacity of 0
// or less keeps nothing but still counts offsets.
func NewRing(capacity int) *Ring {
	if capacity < 0 {
		capacity = 0
	}
	return &Ring{capacity: capacity}
}

// Write appends p, dropping the oldest bytes beyond capacity, and wakes
// the followers. It never fails.
func (r *Ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(p)
	if n == 0 {
		return 0, nil
	}
	r.put(p)
	if r.wake != nil {
		close(r.wake)
		r.wake = nil
	}
	return n, nil
}

func (r *Ring) put(p []byte) {
	c := r.capacity
	if c == 0 {
		r.total += int64(len(p))
		return
	}
	if len(p) > c {
		r.total += int64(len(p) - c)
		p = p[len(p)-c:]
	}
	r.grow(r.total + int64(len(p)))
	for len(p) > 0 {
		n := copy(r.buf[r.total%int64(len(r.buf)):], p)
		r.total += int64(n)
		p = p[n:]
	}
}

// grow makes room for offsets below end. Memory is taken as output
// arrives, so a quiet program with a big tail costs little; until the
// buffer is full no offset has wrapped, so the bytes keep their indexes.
func (r *Ring) grow(end int64) {
	if len(r.buf) == r.capacity || end <= int64(len(r.buf)) {
		return
	}
	size := r.capacity
	if want := max(end, 2*int64(len(r.buf))); want < int64(size) {
		size = int(want)
	}
	buf := make([]byte, size)
	copy(buf, r.buf)
	r.buf = buf
}

// Size returns the number of bytes ever written, which is the next offset.
func (r *Ring) Size() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// start is the oldest offset still held.
func (r *Ring) start() int64 {
	return max(r.floor, r.total-int64(len(r.buf)), 0)
}

// copyOut returns a copy of the bytes at offsets [from, to), all of which
// must still be held.
func (r *Ring) copyOut(from, to int64) []byte {
	out := make([]byte, 0, to-from)
	for from < to {
		i := from % int64(len(r.buf))
		chunk := r.buf[i:min(int64(len(r.buf)), i+to-from)]
		out = append(out, chunk...)
		from += int64(len(chunk))
	}
	return out
}

// Tail returns up to length bytes ending at the current end, with
// supervisord's tailProcessStdoutLog semantics: it returns the bytes from
// offset on, the offset to ask for next time, and overflow when bytes
// before the returned ones were skipped, because more than length bytes
// were new or because they had already left the ring. An offset beyond the
// end (or negative) cannot come from an earlier call; it is answered with
// no bytes and the current end, so the caller picks up from there.
func (r *Ring) Tail(offset int64, length int) (data []byte, next int64, overflow bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	end := r.total
	if offset < 0 || offset > end {
		return nil, end, false
	}
	length = max(length, 0)
	if end > offset+int64(length) {
		offset, overflow = end-int64(length), true
	}
	if s := r.start(); offset < s {
		offset, overflow = s, true
	}
	if offset == end {
		return nil, end, overflow
	}
	return r.copyOut(offset, end), end, overflow
}

// Read returns the bytes at offsets [offset, offset+length) that are still
// in the ring, like supervisord's readProcessStdoutLog: length 0 means up to
// the end, and a negative offset means the last -offset bytes (with length
// 0). Bytes that were dropped or not yet written are simply not returned.
func (r *Ring) Read(offset int64, length int) ([]byte, error) {
	if length < 0 || (offset < 0 && length != 0) {
		return nil, errBadArguments
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	from, to := offset, r.total
	if offset < 0 {
		from = r.total + offset
	} else if length > 0 {
		to = min(to, offset+int64(length))
	}
	from = max(from, r.start())
	if from >= to {
		return nil, nil
	}
	return r.copyOut(from, to), nil
}

// Wait blocks until Size() > offset or ctx is done, for following a stream
// as tail -f does.
func (r *Ring) Wait(ctx context.Context, offset int64) error {
	for {
		r.mu.Lock()
		if r.total > offset {
			r.mu.Unlock()
			return nil
		}
		if r.wake == nil {
			r.wake = make(chan struct{})
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Clear drops the bytes held; offsets keep counting from where they were,
// so followers are unaffected.
func (r *Ring) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.floor = r.total
}
