// Package initproc is vigil's runtime: the part of the program that is PID 1.
//
// One Reaper owns every wait in the process: nothing else calls wait4, and
// nothing uses exec.Cmd.Wait, because two waiters race and one of them loses
// the exit status. Every child is started through Reaper.Start, which
// registers the PID before its status can be collected.
package initproc
