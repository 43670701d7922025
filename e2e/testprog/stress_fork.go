//go:build amd64 || arm64

package main

import "syscall"

// forkTwice starts a child that starts a grandchild and exits, and returns
// the child's PID or an errno. The grandchild sleeps on sleep unless it is
// nil, then exits. The child is a vfork (it shares memory and the parent
// waits until it is gone) and the grandchild shares memory too, so nothing
// is copied: a fork of a Go program costs a millisecond or more where
// page tables are slow to copy, and 100,000 of them would not fit a test.
// Both run only the few instructions of the assembly, which touch no
// memory but *sleep; hence assembly rather than Go.
func forkTwice(sleep *syscall.Timespec) (pid, errno uintptr)
