package initproc

import (
	"errors"
	"io"
	"testing"
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
