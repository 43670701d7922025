package config

// AutoRestart says when a process that exited from RUNNING is started again.
type AutoRestart int

// The zero value is supervisord's default, unexpected.
const (
	RestartUnexpected AutoRestart = iota // restart when the exit code is not in exitcodes
	RestartNever                         // autorestart=false
	RestartAlways                        // autorestart=true
)

// String gives the value as written in a config file.
func (a AutoRestart) String() string {
	switch a {
	case RestartNever:
		return "false"
	case RestartAlways:
		return "true"
	}
	return "unexpected"
}

// Backoff is how the wait between failed start attempts grows.
type Backoff int

// BackoffLinear is supervisord's 1s, 2s, 3s...; BackoffExponential doubles
// (1s, 2s, 4s...) up to backoff_max.
const (
	BackoffLinear Backoff = iota
	BackoffExponential
)

// String gives the value as written in a config file.
func (b Backoff) String() string {
	if b == BackoffExponential {
		return "exponential"
	}
	return "linear"
}

// ReadyMode is what moves a process from STARTING to RUNNING, which is also
// when processes that depend on it may start.
type ReadyMode int

// ReadyStartsecs is supervisord's rule (alive for startsecs); ReadyHealth
// waits for the first passing health check; ReadyNotify waits for
// READY=1 on the sd_notify socket.
const (
	ReadyStartsecs ReadyMode = iota
	ReadyHealth
	ReadyNotify
)

// String gives the value as written in a config file.
func (r ReadyMode) String() string {
	switch r {
	case ReadyHealth:
		return "healthcheck"
	case ReadyNotify:
		return "notify"
	}
	return "startsecs"
}
