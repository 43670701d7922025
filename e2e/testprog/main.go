// Command testprog is the program the end-to-end tests run under init: it
// plays the child that traps signals, the daemon left behind, the parent of
// orphans and the judge of zombies. It is built by the tests, never shipped.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	preemptOff()
	if len(os.Args) < 2 {
		fail("usage: testprog signals|spawn-signals|leave-daemon|daemon|zombies|sigstate|exit|record|lines|notify|watchdog|orphans|storm|lines-term|stubborn|stubborn-tree|stubborn-setsid ...")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "signals":
		signals("")
	case "spawn-signals":
		spawnSignals()
	case "leave-daemon":
		leaveDaemon(args[0])
	case "daemon":
		daemon(args[0])
	case "zombies":
		zombies(args)
	case "sigstate":
		sigstate()
	case "exit":
		n, _ := strconv.Atoi(args[0])
		os.Exit(n)
	case "record":
		record(args[0])
	case "lines":
		n, _ := strconv.Atoi(args[1])
		lines(args[0], n, len(args) > 2 && args[2] == "kill")
	case "notify":
		notify(args[0])
	case "watchdog":
		watchdog(args[0])
	case "orphans":
		n, _ := strconv.Atoi(args[0])
		orphans(n)
	case "storm":
		n, _ := strconv.Atoi(args[0])
		w, _ := strconv.Atoi(args[1])
		storm(n, w)
	case "lines-term":
		n, _ := strconv.Atoi(args[1])
		var pause time.Duration
		if len(args) > 2 {
			pause, _ = time.ParseDuration(args[2])
		}
		linesUntilTerm(args[0], n, pause)
	case "stubborn", "stubborn-tree", "stubborn-setsid":
		stubborn(args[0], os.Args[1] != "stubborn", os.Args[1] == "stubborn-setsid")
	default:
		fail("unknown mode " + os.Args[1])
	}
}

// preemptOff re-executes with Go's asynchronous preemption off, so that every
// SIGURG this program reports was really sent to it.
func preemptOff() {
	if strings.Contains(os.Getenv("GODEBUG"), "asyncpreemptoff=1") {
		return
	}
	exe, _ := os.Executable()
	env := append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "testprog: "+msg)
	os.Exit(100)
}

// signals prints "<prefix>ready" and then "<prefix>got N" for every signal
// it receives, by number. It never exits by itself: the tests end it.
func signals(prefix string) {
	ch := make(chan os.Signal, 256)
	var sigs []os.Signal
	for n := 1; n <= 64; n++ {
		if n == 9 || n == 19 || n == 17 || n == 32 || n == 33 {
			continue
		}
		sigs = append(sigs, syscall.Signal(n))
	}
	signal.Notify(ch, sigs...)
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "%sready pid=%d\n", prefix, os.Getpid())
	w.Flush()
	for s := range ch {
		fmt.Fprintf(w, "%sgot %d\n", prefix, int(s.(syscall.Signal)))
		w.Flush()
	}
}

// spawnSignals runs `signals` as its own child, in its process group, and
// reports signals too: with init -g both hear them, without it only this one.
func spawnSignals() {
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "signals")
	cmd.Stdout = prefixWriter{"grandchild "}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	signals("child ")
}

type prefixWriter struct{ prefix string }

func (p prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line != "" {
			os.Stdout.WriteString(p.prefix + line)
		}
	}
	return len(b), nil
}

// leaveDaemon starts a daemon that outlives it (in its own session, like a
// daemon that double-forked) and exits 0 once the daemon is ready.
func leaveDaemon(file string) {
	exe, _ := os.Executable()
	r, w, _ := os.Pipe()
	cmd := exec.Command(exe, "daemon", file)
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	w.Close()
	buf := make([]byte, 5)
	if n, _ := r.Read(buf); string(buf[:n]) != "ready" {
		fail("daemon did not get ready")
	}
	fmt.Println("daemon ready pid", cmd.Process.Pid)
	os.Exit(0)
}

// daemon records the first SIGTERM it gets in file and exits.
func daemon(file string) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	ready := os.NewFile(3, "ready")
	ready.WriteString("ready")
	ready.Close()
	s := <-ch
	os.WriteFile(file, []byte(fmt.Sprintf("%d\n", int(s.(syscall.Signal)))), 0o644)
	os.Exit(0)
}

// orphans double-forks n short sleeps: each intermediate child exits at
// once, so every sleep is reparented to init.
func orphans(n int) {
	for i := 0; i < n; i++ {
		cmd := exec.Command("sh", "-c", "sleep 0.2 &")
		if err := cmd.Run(); err != nil {
			fail(err.Error())
		}
	}
	fmt.Println("orphans started", n)
}

// zombies waits (up to the given duration) until no other process in this
// PID namespace is a zombie or a leftover sleep, then prints the counts.
func zombies(args []string) {
	limit := 10 * time.Second
	if len(args) > 0 {
		limit, _ = time.ParseDuration(args[0])
	}
	deadline := time.Now().Add(limit)
	for {
		z, s := countProcs()
		if (z == 0 && s == 0) || time.Now().After(deadline) {
			fmt.Printf("zombies=%d sleeps=%d\n", z, s)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countProcs counts zombies and sleeps among the processes whose parent is
// this program's parent (init), which is every orphan init is responsible
// for whether it is PID 1 or a subreaper.
func countProcs() (zombies, sleeps int) {
	initPid := os.Getppid()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		comm := s[strings.IndexByte(s, '(')+1 : i]
		ppid, _ := strconv.Atoi(f[1])
		if ppid != initPid {
			continue
		}
		if f[0] == "Z" {
			zombies++
		}
		if comm == "sleep" || comm == "sh" {
			sleeps++
		}
	}
	return
}

// sigstate prints the SigBlk and SigIgn lines of its own /proc status.
func sigstate() {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "SigBlk") || strings.HasPrefix(l, "SigIgn") {
			fmt.Println(strings.Join(strings.Fields(l), " "))
		}
	}
}

// record writes the number of the first signal it gets to file, then exits.
func record(file string) {
	ch := make(chan os.Signal, 1)
	var sigs []os.Signal
	for n := 1; n <= 31; n++ {
		if n != 9 && n != 19 && n != 17 && n != 27 {
			sigs = append(sigs, syscall.Signal(n))
		}
	}
	signal.Notify(ch, sigs...)
	fmt.Println("recording")
	s := <-ch
	os.WriteFile(file, []byte(fmt.Sprintf("%d\n", int(s.(syscall.Signal)))), 0o644)
	os.Exit(0)
}

// lines prints n numbered lines "id seq payload" of varying length, in
// large writes that cut lines at arbitrary places, and with kill, then
// dies by SIGKILL with everything written but nothing more.
func lines(id string, n int, kill bool) {
	w := bufio.NewWriterSize(os.Stdout, 8191)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%s %d %s\n", id, i, strings.Repeat("x", i%97))
	}
	w.Flush()
	if kill {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
}

// notify waits until file exists, then tells NOTIFY_SOCKET it is ready, the
// way sd_notify does, and sleeps.
func notify(file string) {
	for {
		if _, err := os.Stat(file); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	addr := &net.UnixAddr{Name: os.Getenv("NOTIFY_SOCKET"), Net: "unixgram"}
	c, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		fail(err.Error())
	}
	c.Write([]byte("READY=1\nSTATUS=serving\n"))
	c.Close()
	fmt.Println("notified")
	sleepForever()
}

// watchdog says READY=1 and pings WATCHDOG=1 every 50ms while file exists;
// once it is gone, the pings stop (and init should restart it).
func watchdog(file string) {
	addr := &net.UnixAddr{Name: os.Getenv("NOTIFY_SOCKET"), Net: "unixgram"}
	c, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		fail(err.Error())
	}
	c.Write([]byte("READY=1"))
	fmt.Println("watchdog started", os.Getenv("WATCHDOG_USEC"))
	for {
		if _, err := os.Stat(file); err == nil {
			c.Write([]byte("WATCHDOG=1"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
