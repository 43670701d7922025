package initproc

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Many children that exit at once, started from many goroutines: each
// status reaches the one that started it, none is taken for an orphan.
func TestReaperLosesNoStatus(t *testing.T) {
	r := NewReaper(slog.New(slog.NewTextHandler(io.Discard, nil)))
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, syscall.SIGCHLD)
	defer signal.Stop(sigs)
	stop := make(chan struct{})
	defer close(stop)
	go r.Run(stop)
	go func() {
		for {
			select {
			case <-sigs:
				r.Kick()
			case <-stop:
				return
			}
		}
	}()
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(code int) {
			defer wg.Done()
			_, ch, err := r.StartSpec(Spec{Argv: []string{"/bin/sh", "-c", fmt.Sprintf("exit %d", code)}})
			if err != nil {
				errs <- err
				return
			}
			select {
			case e := <-ch:
				if e.Code() != code {
					errs <- fmt.Errorf("child exiting %d reported %d", code, e.Code())
				}
			case <-time.After(30 * time.Second):
				errs <- fmt.Errorf("child exiting %d: no status", code)
			}
		}(i % 256)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if o := r.Orphans(); o != 0 {
		t.Errorf("%d of our own children were taken for orphans", o)
	}
	select {
	case <-r.WhenNoChildren():
	case <-time.After(10 * time.Second):
		t.Fatal("WhenNoChildren never fired")
	}
	if !r.Childless() {
		t.Error("Childless is false after every child was reaped")
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		ws   syscall.WaitStatus
		code int
		str  string
	}{
		{0, 0, "exit status 0"},
		{3 << 8, 3, "exit status 3"},
		{255 << 8, 255, "exit status 255"},
		{syscall.WaitStatus(syscall.SIGTERM), 143, "signal TERM"},
		{syscall.WaitStatus(syscall.SIGKILL) | 0x80, 137, "signal KILL"}, // with a core dump
	} {
		e := Exit{Status: unix.WaitStatus(tc.ws)}
		if e.Code() != tc.code || e.String() != tc.str {
			t.Errorf("status %#x: got %d %q, want %d %q", int(tc.ws), e.Code(), e.String(), tc.code, tc.str)
		}
	}
}

func TestGuardRecovers(t *testing.T) {
	var buf syncWriter
	log, _ := NewLogger(&buf, "text", slog.LevelWarn)
	if !Guard(log, "test", func() { panic("boom") }) {
		t.Fatal("Guard did not report the panic")
	}
	if out := buf.String(); !contains(out, "vigil: error: recovered from a bug") || !contains(out, "boom") || !contains(out, "in=test") {
		t.Fatalf("panic not logged properly: %q", out)
	}
	if Guard(log, "test", func() {}) {
		t.Fatal("Guard reported a panic that did not happen")
	}
}

func TestStartErrors(t *testing.T) {
	r := NewReaper(slog.New(slog.NewTextHandler(io.Discard, nil)))
	dir := t.TempDir()
	os.WriteFile(dir+"/noexec", []byte("#!/bin/sh\n"), 0o644)
	for _, tc := range []struct {
		argv []string
		code int
	}{
		{[]string{"definitely-not-a-command"}, 127},
		{[]string{dir + "/missing"}, 127},
		{[]string{dir + "/noexec"}, 126},
		{[]string{dir}, 126},
		{nil, 127},
	} {
		_, _, err := r.StartSpec(Spec{Argv: tc.argv, Env: []string{"PATH=" + dir}})
		se, ok := err.(*StartError)
		if !ok || se.Code != tc.code {
			t.Errorf("%v: got %v, want a StartError with code %d", tc.argv, err, tc.code)
		}
	}
}
