package config

import (
	"syscall"
	"testing"
)

func TestParseSignal(t *testing.T) {
	good := map[string]syscall.Signal{
		"15": syscall.SIGTERM, "TERM": syscall.SIGTERM, "sigterm": syscall.SIGTERM, " SIGTERM ": syscall.SIGTERM,
		"hup": syscall.SIGHUP, "USR1": syscall.SIGUSR1, "SIGUSR2": syscall.SIGUSR2, "KILL": syscall.SIGKILL,
		"RTMIN": 34, "SIGRTMIN+3": 37, "rtmax": 64, "RTMAX-1": 63, "64": 64, "1": 1,
	}
	for in, want := range good {
		got, err := ParseSignal(in)
		if err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "65", "-1", "TERMS", "RTMIN-1", "RTMAX+1", "RTMIN+31", "RTMIN+x", "SIG", "RTMIN++3", "RTMAX-+0", "RTMIN+-0", "\u2000TERM", "ſigterm"} {
		if got, err := ParseSignal(in); err == nil {
			t.Errorf("ParseSignal(%q) = %d, want an error", in, got)
		}
	}
}

func TestSignalNameRoundTrip(t *testing.T) {
	for n := 1; n <= SigRTMax; n++ {
		name := SignalName(syscall.Signal(n))
		got, err := ParseSignal(name)
		if err != nil || int(got) != n {
			t.Errorf("signal %d: name %q parses to %d, %v", n, name, got, err)
		}
	}
}
