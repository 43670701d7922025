package config

import (
	"fmt"
	"strings"
)

// The keys each section accepts. Keys supervisord documents but vigil has
// no use for are still known, so they are checked, not reported as unknown.
var (
	supervisordKeys = []string{
		"logfile", "logfile_maxbytes", "logfile_backups", "loglevel", "pidfile", "umask",
		"nodaemon", "silent", "minfds", "minprocs", "nocleanup", "childlogdir", "user",
		"directory", "strip_ansi", "environment", "identifier",
		"env_file",
	}
	programKeys = []string{
		"command", "process_name", "numprocs", "numprocs_start", "priority", "autostart",
		"startsecs", "startretries", "autorestart", "exitcodes", "stopsignal", "stopwaitsecs",
		"stopasgroup", "killasgroup", "user", "redirect_stderr",
		"stdout_logfile", "stdout_logfile_maxbytes", "stdout_logfile_backups",
		"stdout_capture_maxbytes", "stdout_events_enabled", "stdout_syslog",
		"stderr_logfile", "stderr_logfile_maxbytes", "stderr_logfile_backups",
		"stderr_capture_maxbytes", "stderr_events_enabled", "stderr_syslog",
		"environment", "directory", "umask", "serverurl",
		// vigil extensions
		"env_file", "log_prefix", "critical", "restart_delay", "backoff", "backoff_max",
		"depends_on", "ready", "watchdog_timeout",
		"healthcheck_command", "healthcheck_http", "healthcheck_tcp", "healthcheck_interval",
		"healthcheck_timeout", "healthcheck_retries", "healthcheck_start_period", "healthcheck_restart",
	}
	unixKeys    = []string{"file", "chmod", "chown", "username", "password"}
	inetKeys    = []string{"port", "username", "password"}
	ctlKeys     = []string{"serverurl", "username", "password", "prompt", "history_file"}
	groupKeys   = []string{"programs", "priority"}
	includeKeys = []string{"files"}

	// sectionKinds are the names and prefixes a section may have; the
	// prefixed ones end in ":".
	sectionKinds = []string{
		"supervisord", "unix_http_server", "inet_http_server", "supervisorctl", "include",
		"program:", "group:", "eventlistener:", "fcgi-program:", "rpcinterface:", "ctlplugin:",
	}
)

// checkKeys warns about every key of s that is not in known, with the
// nearest known key when one is close enough to be a typo.
func checkKeys(d *diag, s *section, known []string) {
	set := make(map[string]bool, len(known))
	for _, k := range known {
		set[k] = true
	}
	for _, e := range s.entries {
		if set[e.key] || e.inherited {
			continue
		}
		d.warnf(e.pos, e.key, "unknown key%s", suggest(e.key, known))
	}
}

// suggest returns `, did you mean "x"?` for the known word nearest to w,
// or "" when none is within two edits.
func suggest(w string, known []string) string {
	if best := nearest(w, known); best != "" {
		return fmt.Sprintf(", did you mean %q?", best)
	}
	return ""
}

// nearest finds the known word within two edits of w, as long as the
// edits are less than half the word: "x" is not a typo of "a".
func nearest(w string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		d := levenshtein(w, k)
		if d < bestD && 2*d < max(len(w), len(k)) {
			best, bestD = k, d
		}
	}
	return best
}

// levenshtein is the edit distance with adjacent transpositions counted
// as one edit (optimal string alignment), since swapped letters are the
// commonest typo.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// sectionKind returns the kind of a section name ("program:" for
// "program:web") or "" when vigil does not know it.
func sectionKind(name string) string {
	for _, k := range sectionKinds {
		if strings.HasSuffix(k, ":") && strings.HasPrefix(name, k) || name == k {
			return k
		}
	}
	return ""
}

// suggestSection proposes a known section for a misspelt one, keeping the
// part after ":".
func suggestSection(name string) string {
	head, tail, hasColon := strings.Cut(name, ":")
	var known []string
	for _, k := range sectionKinds {
		if strings.HasSuffix(k, ":") == hasColon {
			known = append(known, strings.TrimSuffix(k, ":"))
		}
	}
	best := nearest(strings.ToLower(strings.TrimSpace(head)), known)
	if best == "" {
		return ""
	}
	if hasColon {
		best += ":" + strings.TrimSpace(tail)
	}
	return fmt.Sprintf(", did you mean [%s]?", best)
}
