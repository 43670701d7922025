package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// storm double-forks n processes from workers goroutines: each child
// forks a grandchild and both exit at once, so every grandchild ends as an
// orphan that init must reap. It reaps its own children and prints
// "storm done N" with the rate.
func storm(n, workers int) {
	began := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		share := n / workers
		if w < n%workers {
			share++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < share; i++ {
				doubleFork(i)
			}
		}()
	}
	wg.Wait()
	d := time.Since(began)
	fmt.Printf("storm done %d in %v (%.0f/s)\n", n, d.Round(time.Millisecond), float64(n)/d.Seconds())
}

// stormSleep is how long every other grandchild lives on as an orphan;
// the rest are reparented as zombies. It is a global because the
// grandchild reads it after the stack it was called from has moved on.
var stormSleep = syscall.Timespec{Nsec: int64(time.Millisecond)}

func doubleFork(i int) {
	sleep := &stormSleep
	if i%2 == 0 {
		sleep = nil
	}
	for {
		pid, errno := forkTwice(sleep)
		if errno == uintptr(syscall.EAGAIN) || errno == uintptr(syscall.EINTR) {
			time.Sleep(time.Millisecond)
			continue
		}
		if errno != 0 {
			fail("clone: " + syscall.Errno(errno).Error())
		}
		var ws syscall.WaitStatus
		for {
			_, err := syscall.Wait4(int(pid), &ws, 0, nil)
			if err != syscall.EINTR {
				break
			}
		}
		return
	}
}

// linesUntilTerm prints n lines "id seq payload" like lines, then
// "id end N" with the number of lines printed. SIGTERM ends it early, at a
// line boundary, with the same last line: a reader can tell that each run
// arrived complete.
func linesUntilTerm(id string, n int, pause time.Duration) {
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	w := bufio.NewWriterSize(os.Stdout, 8191)
	xs := strings.Repeat("x", 97)
	var b []byte
	i := 0
loop:
	for ; i < n; i++ {
		select {
		case <-term:
			break loop
		default:
		}
		b = append(strconv.AppendInt(append(append(b[:0], id...), ' '), int64(i), 10), ' ')
		b = append(append(b, xs[:i%97]...), '\n')
		w.Write(b)
		if pause > 0 {
			w.Flush()
			time.Sleep(pause)
		}
	}
	fmt.Fprintf(w, "%s end %d\n", id, i)
	w.Flush()
}

// stubborn ignores SIGTERM and waits to be killed. With tree it runs as a
// parent that first starts a stubborn child, in a new session with setsid,
// and itself dies of SIGTERM as programs normally do.
func stubborn(tag string, tree, setsid bool) {
	if tree {
		exe, _ := os.Executable()
		cmd := exec.Command(exe, "stubborn", tag)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: setsid}
		if err := cmd.Start(); err != nil {
			fail(err.Error())
		}
		fmt.Printf("tree ready child=%d setsid=%v\n", cmd.Process.Pid, setsid)
		sleepForever()
	}
	signal.Ignore(syscall.SIGTERM)
	fmt.Printf("stubborn ready pid=%d\n", os.Getpid())
	sleepForever()
}

// sleepForever blocks; select {} would be a deadlock to the runtime.
func sleepForever() {
	for {
		time.Sleep(time.Hour)
	}
}
