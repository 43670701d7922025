package main

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes of the init binary itself, when it is not reporting a child's.
const (
	exitOK    = 0
	exitUsage = 2
)

// exitError carries the status init exits with through cobra, which only
// knows about errors. A zero-length msg means nothing more to print.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// exitCode prints err as one line and picks the status for it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "vigil: "+ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "vigil: "+err.Error())
	return exitUsage
}
