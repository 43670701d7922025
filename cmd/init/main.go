// Command init is vigil: a container init and supervisor meant to be PID 1.
// Everything it does lives in the packages it calls; main only turns the
// outcome into an exit status.
package main

import (
	"os"

	"github.com/vigil-sh/vigil/initproc"
)

func main() {
	if runsInit(os.Args[1:]) {
		initproc.ReexecWithoutPreemption()
	}
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
