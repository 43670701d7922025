package config

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Real-time signal bounds as user space sees them: glibc keeps 32 and 33
// for itself, so SIGRTMIN is 34 in kill(1), bash and every C program.
const (
	SigRTMin = 34
	SigRTMax = 64
)

// ParseSignal reads a signal written as a number ("15"), a name ("TERM") or
// a name with its prefix ("SIGTERM"), in any case, with spaces around.
// Real-time signals are written RTMIN, RTMIN+N, RTMAX or RTMAX-N. It is the
// one parser every flag and config key that takes a signal goes through.
func ParseSignal(s string) (syscall.Signal, error) {
	t := strings.Trim(s, asciiSpace)
	if t == "" {
		return 0, fmt.Errorf("empty signal: want a name like TERM or a number from 1 to %d", SigRTMax)
	}
	if !isASCII(t) {
		// Unicode case mapping would read "ſigterm" as SIGTERM, and a
		// Unicode space would hide a typo; no signal is spelt that way.
		return 0, unknownSignal(s)
	}
	t = strings.ToUpper(t)
	if n, err := strconv.Atoi(t); err == nil {
		if n < 1 || n > SigRTMax {
			return 0, fmt.Errorf("signal %d out of range: want 1 to %d", n, SigRTMax)
		}
		return syscall.Signal(n), nil
	}
	t = strings.TrimPrefix(t, "SIG")
	if sig, ok := parseRealtime(t); ok {
		return sig, nil
	}
	if n := unix.SignalNum("SIG" + t); n != 0 {
		return n, nil
	}
	return 0, unknownSignal(s)
}

func unknownSignal(s string) error {
	return fmt.Errorf("unknown signal %q: want a name like TERM, HUP, USR1, RTMIN+2 or a number", s)
}

// asciiSpace is the white space allowed around a signal.
const asciiSpace = " \t\n\v\f\r"

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func parseRealtime(t string) (syscall.Signal, bool) {
	base, sign := 0, 1
	switch {
	case strings.HasPrefix(t, "RTMIN"):
		base, t = SigRTMin, t[len("RTMIN"):]
	case strings.HasPrefix(t, "RTMAX"):
		base, t, sign = SigRTMax, t[len("RTMAX"):], -1
	default:
		return 0, false
	}
	if t == "" {
		return syscall.Signal(base), true
	}
	want := "+"
	if sign < 0 {
		want = "-"
	}
	if !strings.HasPrefix(t, want) {
		return 0, false
	}
	// Atoi would take a sign too, reading RTMIN++3 as RTMIN+3.
	digits := t[1:]
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	off, err := strconv.Atoi(digits)
	if err != nil {
		return 0, false
	}
	n := base + sign*off
	if n < SigRTMin || n > SigRTMax {
		return 0, false
	}
	return syscall.Signal(n), true
}

// SignalName is the inverse of ParseSignal: "TERM" for 15, "RTMIN+2" for 36,
// the number for anything without a name.
func SignalName(sig syscall.Signal) string {
	n := int(sig)
	switch {
	case n == SigRTMin:
		return "RTMIN"
	case n == SigRTMax:
		return "RTMAX"
	case n > SigRTMin && n < SigRTMax:
		return "RTMIN+" + strconv.Itoa(n-SigRTMin)
	}
	if name := unix.SignalName(sig); name != "" {
		return strings.TrimPrefix(name, "SIG")
	}
	return strconv.Itoa(n)
}
