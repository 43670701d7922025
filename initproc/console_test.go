package initproc

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestPadPrefix(t *testing.T) {
	cases := []struct {
		name  string
		width int
		want  string
	}{
		{"web", 5, "web   | "},
		{"web", 3, "web | "},
		{"worker", 3, "worker | "},
		{"", 2, "   | "},
		{"café", 5, "café  | "},
	}
	for _, c := range cases {
		if got := PadPrefix(c.name, c.width); got != c.want {
			t.Errorf("PadPrefix(%q, %d) = %q, want %q", c.name, c.width, got, c.want)
		}
	}
}

// callWriter records each Write call separately.
type callWriter struct {
	calls []string
	n     int // bytes to accept per call; 0 accepts all
}

func (w *callWriter) Write(p []byte) (int, error) {
	w.calls = append(w.calls, string(p))
	if w.n > 0 && w.n < len(p) {
		return w.n, nil
	}
	return len(p), nil
}

func TestWriteLineIsOneWrite(t *testing.T) {
	w := &callWriter{}
	c := NewConsole(w)
	if err := c.WriteLine("web | ", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteLine("", []byte{0xff, 0x00, 'x'}); err != nil {
		t.Fatal(err)
	}
	want := []string{"web | hello\n", "\xff\x00x\n"}
	if len(w.calls) != len(want) {
		t.Fatalf("calls = %q, want %q", w.calls, want)
	}
	for i := range want {
		if w.calls[i] != want[i] {
			t.Errorf("call %d = %q, want %q", i, w.calls[i], want[i])
		}
	}
}

func TestWriteLineShortWrite(t *testing.T) {
	c := NewConsole(&callWriter{n: 2})
	if err := c.WriteLine("", []byte("hello")); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("err = %v, want %v", err, io.ErrShortWrite)
	}
}

// gateWriter blocks every Write until open is closed, like a pipe whose
// reader stopped reading.
type gateWriter struct {
	open    chan struct{}
	entered chan struct{} // a Write began
	got     syncWriter
}

func (w *gateWriter) Write(p []byte) (int, error) {
	select {
	case w.entered <- struct{}{}:
	default:
	}
	<-w.open
	return w.got.Write(p)
}

// init logs from its loop: its messages must not wait for an output that
// nobody reads, while program output does, and the order in which things
// happened is kept once the output flows again.
func TestConsoleMessagesDoNotWaitForABlockedOutput(t *testing.T) {
	w := &gateWriter{open: make(chan struct{}), entered: make(chan struct{}, 1)}
	c := NewConsole(w)
	wrote := make(chan struct{})
	go func() {
		c.write([]byte("program line 1\n"))
		close(wrote)
	}()
	<-w.entered // the program's line is stuck in the output
	var want strings.Builder
	want.WriteString("program line 1\n")
	logged := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			fmt.Fprintf(c, "vigil: message %d\n", i)
		}
		close(logged)
	}()
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&want, "vigil: message %d\n", i)
	}
	select {
	case <-logged:
	case <-time.After(5 * time.Second):
		t.Fatal("logging waited for the blocked output")
	}
	began := time.Now()
	c.Flush(50 * time.Millisecond)
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("Flush waited %v for a blocked output", d)
	}
	close(w.open)
	<-wrote
	c.write([]byte("program line 2\n"))
	want.WriteString("program line 2\n")
	c.Flush(time.Second)
	if got := w.got.String(); got != want.String() {
		t.Fatalf("got %q\nwant %q", got, want.String())
	}
}
