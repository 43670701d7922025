package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of the vigil extension keys.
const (
	DefaultBackoffMax          = 60 * time.Second
	DefaultHealthcheckInterval = 30 * time.Second
	DefaultHealthcheckTimeout  = 30 * time.Second
	DefaultHealthcheckRetries  = 3
)

// extensions reads the keys supervisord does not have.
func (l *loader) extensions(r keyReader, pr *Process) {
	pr.EnvFiles = r.paths("env_file")
	pr.LogPrefix = get(r, "log_prefix", true, parseBool)
	pr.Critical = get(r, "critical", false, parseBool)
	pr.RestartDelay = get(r, "restart_delay", 0, parseDuration)
	pr.Backoff = get(r, "backoff", BackoffLinear, parseBackoff)
	pr.BackoffMax = get(r, "backoff_max", DefaultBackoffMax, parseDuration)
	pr.Ready = get(r, "ready", ReadyStartsecs, parseReady)
	pr.WatchdogTimeout = get(r, "watchdog_timeout", 0, parseDuration)
	if e := r.sec.get("watchdog_timeout"); e != nil && pr.Ready != ReadyNotify && pr.WatchdogTimeout > 0 {
		l.d.warnf(e.pos, "watchdog_timeout", "has no effect without ready=notify")
	}
	if v, e, ok := r.raw("depends_on"); ok {
		pr.DependsOn = splitList(v)
		pr.dependsPos = e.pos
	}
}

func parseBackoff(s string) (Backoff, error) {
	switch strings.ToLower(s) {
	case "linear":
		return BackoffLinear, nil
	case "exponential":
		return BackoffExponential, nil
	}
	return 0, fmt.Errorf("want linear or exponential, got %q", s)
}

func parseReady(s string) (ReadyMode, error) {
	switch strings.ToLower(s) {
	case "startsecs":
		return ReadyStartsecs, nil
	case "healthcheck":
		return ReadyHealth, nil
	case "notify":
		return ReadyNotify, nil
	}
	return 0, fmt.Errorf("want startsecs, healthcheck or notify, got %q", s)
}

var healthKinds = []string{"healthcheck_command", "healthcheck_http", "healthcheck_tcp"}

// health reads the health check. Exactly one probe may be given; the
// tuning keys alone do nothing and say so.
func (l *loader) health(r keyReader, pr *Process) {
	var set []string // in the order written, so the later one is blamed
	for _, e := range r.sec.entries {
		if slices.Contains(healthKinds, e.key) {
			set = append(set, e.key)
		}
	}
	switch {
	case len(set) > 1:
		l.d.errorf(r.sec.get(set[1]).pos, set[1], "set only one of healthcheck_command, healthcheck_http and healthcheck_tcp (%s is set too)", set[0])
		return
	case len(set) == 0:
		l.noHealth(r, pr)
		return
	}
	h := &HealthCheck{}
	h.Interval = get(r, "healthcheck_interval", DefaultHealthcheckInterval, parsePositiveDuration)
	h.Timeout = get(r, "healthcheck_timeout", DefaultHealthcheckTimeout, parsePositiveDuration)
	h.StartPeriod = get(r, "healthcheck_start_period", 0, parseDuration)
	h.Retries = get(r, "healthcheck_retries", DefaultHealthcheckRetries, parsePositiveInt)
	h.Restart = get(r, "healthcheck_restart", false, parseBool)
	switch set[0] {
	case "healthcheck_command":
		h.Command = l.healthCommand(r)
	case "healthcheck_http":
		h.HTTP = get(r, "healthcheck_http", "", checkHTTP)
	case "healthcheck_tcp":
		h.TCP = get(r, "healthcheck_tcp", "", checkHostPort)
	}
	pr.Health = h
}

func (l *loader) noHealth(r keyReader, pr *Process) {
	if pr.Ready == ReadyHealth {
		l.d.errorf(r.sec.get("ready").pos, "ready", "ready=healthcheck needs healthcheck_command, healthcheck_http or healthcheck_tcp")
	}
	for _, e := range r.sec.entries {
		if strings.HasPrefix(e.key, "healthcheck_") && !e.inherited {
			l.d.warnf(e.pos, e.key, "has no effect without healthcheck_command, healthcheck_http or healthcheck_tcp")
		}
	}
}

func (l *loader) healthCommand(r keyReader) []string {
	v, e, ok := r.raw("healthcheck_command")
	if !ok {
		return nil
	}
	return l.argv(e, "healthcheck_command", v)
}

func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err == nil && d <= 0 {
		return 0, fmt.Errorf("want a duration above 0 like 10s, got %q", s)
	}
	return d, err
}

func parsePositiveInt(s string) (int, error) {
	n, err := parseInt(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want an integer of 1 or more, got %q", s)
	}
	return n, nil
}

func checkHTTP(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("want an http:// or https:// URL like http://127.0.0.1:8080/healthz, got %q", s)
	}
	return s, nil
}

func checkHostPort(s string) (string, error) {
	_, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("want host:port like 127.0.0.1:5432, got %q", s)
	}
	return s, nil
}
