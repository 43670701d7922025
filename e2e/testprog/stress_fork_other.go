//go:build !amd64 && !arm64

package main

import "syscall"

// forkTwice is the portable, slower version of the assembly of amd64 and
// arm64: a real fork, whose child forks once more, and both exit at once
// (sleep is not honoured). The forked child of a Go program must not enter
// the runtime, so only raw system calls run there.
//
//go:nosplit
func forkTwice(sleep *syscall.Timespec) (pid, errno uintptr) {
	r, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 || r != 0 {
		return r, uintptr(e)
	}
	syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
}
