package initproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
)

func ringWith(capacity int, writes ...string) *Ring {
	r := NewRing(capacity)
	for _, w := range writes {
		r.Write([]byte(w))
	}
	return r
}

func TestRingTail(t *testing.T) {
	cases := []struct {
		name     string
		ring     *Ring
		offset   int64
		length   int
		want     string
		next     int64
		overflow bool
	}{
		{"empty", ringWith(10), 0, 5, "", 0, false},
		{"all new fits", ringWith(10, "abc"), 0, 5, "abc", 3, false},
		{"from offset", ringWith(10, "abcdef"), 4, 5, "ef", 6, false},
		{"nothing new", ringWith(10, "abcdef"), 6, 5, "", 6, false},
		{"more new than length", ringWith(10, "abcdef"), 0, 4, "cdef", 6, true},
		{"length zero", ringWith(10, "abcdef"), 2, 0, "", 6, true},
		{"left the ring", ringWith(4, "abcdef"), 0, 10, "cdef", 6, true},
		{"partly left", ringWith(4, "abcdef"), 1, 10, "cdef", 6, true},
		{"wrapped", ringWith(4, "abc", "def", "gh"), 4, 10, "efgh", 8, false},
		{"offset beyond end", ringWith(10, "abc"), 9, 5, "", 3, false},
		{"negative offset", ringWith(10, "abc"), -1, 5, "", 3, false},
		{"after clear", func() *Ring { r := ringWith(10, "abc"); r.Clear(); r.Write([]byte("de")); return r }(), 0, 10, "de", 5, true},
		{"zero capacity", ringWith(0, "abc"), 0, 10, "", 3, true},
	}
	for _, c := range cases {
		data, next, overflow := c.ring.Tail(c.offset, c.length)
		if string(data) != c.want || next != c.next || overflow != c.overflow {
			t.Errorf("%s: Tail(%d, %d) = %q, %d, %v; want %q, %d, %v",
				c.name, c.offset, c.length, data, next, overflow, c.want, c.next, c.overflow)
		}
	}
}

func TestRingRead(t *testing.T) {
	wrapped := ringWith(8, "0123456789", "abcd") // holds "6789abcd", offsets 6..13
	cases := []struct {
		name   string
		ring   *Ring
		offset int64
		length int
		want   string
	}{
		{"range", ringWith(16, "0123456789"), 2, 3, "234"},
		{"to end", ringWith(16, "0123456789"), 7, 0, "789"},
		{"past end", ringWith(16, "0123456789"), 8, 10, "89"},
		{"beyond end", ringWith(16, "0123456789"), 12, 0, ""},
		{"last bytes", ringWith(16, "0123456789"), -3, 0, "789"},
		{"more than held", ringWith(16, "0123456789"), -30, 0, "0123456789"},
		{"wrapped whole", wrapped, 0, 0, "6789abcd"},
		{"wrapped range", wrapped, 8, 4, "89ab"},
		{"wrapped partly dropped", wrapped, 4, 4, "67"},
		{"wrapped dropped", wrapped, 1, 3, ""},
		{"wrapped last", wrapped, -5, 0, "9abcd"},
		{"cleared", func() *Ring { r := ringWith(16, "abc"); r.Clear(); return r }(), 0, 0, ""},
	}
	for _, c := range cases {
		got, err := c.ring.Read(c.offset, c.length)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: Read(%d, %d) = %q, %v; want %q", c.name, c.offset, c.length, got, err, c.want)
		}
	}
	for _, bad := range [][2]int{{0, -1}, {-3, 2}} {
		if _, err := ringWith(4, "abc").Read(int64(bad[0]), bad[1]); !errors.Is(err, errBadArguments) {
			t.Errorf("Read(%d, %d) err = %v, want bad arguments", bad[0], bad[1], err)
		}
	}
}

func TestRingSizeAndClear(t *testing.T) {
	r := ringWith(4, "abc", "defgh")
	if r.Size() != 8 {
		t.Fatalf("Size = %d, want 8", r.Size())
	}
	r.Clear()
	if r.Size() != 8 {
		t.Fatalf("Size after Clear = %d, want 8: offsets keep counting", r.Size())
	}
	if data, next, _ := r.Tail(8, 10); len(data) != 0 || next != 8 {
		t.Fatalf("Tail after Clear = %q, %d", data, next)
	}
	r.Write([]byte("ij"))
	if data, next, overflow := r.Tail(8, 10); string(data) != "ij" || next != 10 || overflow {
		t.Fatalf("Tail = %q, %d, %v; want \"ij\", 10, false", data, next, overflow)
	}
}

// TestRingWrapsManyTimes checks the ring against a plain copy of the whole
// stream, with writes of every size around the capacity.
func TestRingWrapsManyTimes(t *testing.T) {
	const capacity = 37
	r := NewRing(capacity)
	var all []byte
	for i := range 200 {
		w := bytes.Repeat([]byte{byte('a' + i%26)}, i%(2*capacity+3))
		w = append(w, byte(i))
		r.Write(w)
		all = append(all, w...)
		want := all[max(0, len(all)-capacity):]
		got, err := r.Read(0, 0)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("after write %d: ring holds %q, want %q", i, got, want)
		}
	}
	if r.Size() != int64(len(all)) {
		t.Fatalf("Size = %d, want %d", r.Size(), len(all))
	}
}

func TestRingWaitWakesOnWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := ringWith(16, "abc")
		if err := r.Wait(t.Context(), 2); err != nil {
			t.Fatalf("Wait below the end: %v", err)
		}
		done := make(chan error, 1)
		go func() { done <- r.Wait(t.Context(), 3) }()
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Wait returned %v with nothing new", err)
		default:
		}
		r.Write(nil) // no bytes: no wake-up
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Wait returned %v after an empty write", err)
		default:
		}
		r.Write([]byte("d"))
		if err := <-done; err != nil {
			t.Fatalf("Wait: %v", err)
		}
	})
}

func TestRingWaitEndsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := NewRing(16)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Wait(ctx, 0) }()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait = %v, want %v", err, context.Canceled)
		}
	})
}

// TestRingFollow follows a stream as tail -f would, while it is written,
// and sees every byte once, in order.
func TestRingFollow(t *testing.T) {
	r := NewRing(1 << 20)
	const lines = 20000
	var want bytes.Buffer
	for i := range lines {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		b := want.Bytes()
		for len(b) > 0 {
			n := min(len(b), 1+len(b)%97)
			r.Write(b[:n])
			b = b[n:]
		}
	})
	var got []byte
	var offset int64
	for offset < int64(want.Len()) {
		if err := r.Wait(t.Context(), offset); err != nil {
			t.Fatal(err)
		}
		data, next, overflow := r.Tail(offset, 1<<20)
		if overflow {
			t.Fatalf("overflow at offset %d", offset)
		}
		got = append(got, data...)
		offset = next
	}
	wg.Wait()
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("followed %d bytes, differing from the %d written", len(got), want.Len())
	}
}
