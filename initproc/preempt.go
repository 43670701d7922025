package initproc

import (
	"os"
	"strings"
	"syscall"
)

// Go's scheduler preempts goroutines by sending SIGURG to its own threads,
// and os/signal hands those to the program like any other (golang/go#37942).
// init must forward a SIGURG that someone sent it, and must not forward the
// runtime's, and the two look the same. So init runs with asynchronous
// preemption off (GODEBUG=asyncpreemptoff=1): then every SIGURG is real. The
// setting is only read at start-up, so init re-executes itself once with it;
// the original GODEBUG is put back before any child is started.
const (
	preemptOff = "asyncpreemptoff=1"
	// reexecMark carries the original GODEBUG across the re-exec: "0" when
	// there was none, "1" followed by its value otherwise.
	reexecMark = "VIGIL_REEXEC_GODEBUG"
)

var asyncPreemptOff = strings.Contains(os.Getenv("GODEBUG"), preemptOff)

// ReexecWithoutPreemption re-executes the running binary with asynchronous
// preemption off, unless it already is. It returns only when it did not
// re-execute (the setting is on, or /proc/self/exe cannot be executed, in
// which case SIGURG is simply not forwarded). On the second start it restores
// the environment the first one was given.
func ReexecWithoutPreemption() {
	if orig, ok := os.LookupEnv(reexecMark); ok {
		os.Unsetenv(reexecMark)
		if v, had := strings.CutPrefix(orig, "1"); had {
			os.Setenv("GODEBUG", v)
		} else {
			os.Unsetenv("GODEBUG")
		}
		return
	}
	if asyncPreemptOff {
		return
	}
	orig, had := os.LookupEnv("GODEBUG")
	mark, godebug := "0", preemptOff
	if had {
		mark = "1" + orig
	}
	if orig != "" {
		godebug = orig + "," + preemptOff
	}
	env := append(withoutVar(os.Environ(), "GODEBUG"), "GODEBUG="+godebug, reexecMark+"="+mark)
	// Exec by the binary's own path, not /proc/self/exe, so that ps and
	// /proc/1/comm still say "init". Exec only returns on failure, and init
	// then carries on as it is.
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	_ = syscall.Exec(exe, os.Args, env)
}

func withoutVar(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
