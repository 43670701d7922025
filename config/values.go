package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The parsers below follow supervisord's datatypes.py so that a value it
// accepts is accepted here, and their messages say what would have been
// right.

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("want true or false (or yes/no, on/off, 1/0), got %q", s)
}

// parseInt accepts what Python's int() does for decimal text: surrounding
// spaces, a sign, and underscores between digits.
func parseInt(s string) (int, error) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		return n, nil
	}
	if ok := validUnderscores(t); ok {
		if n, err := strconv.Atoi(strings.ReplaceAll(t, "_", "")); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("want an integer, got %q", s)
}

func validUnderscores(t string) bool {
	t = strings.TrimLeft(t, "+-")
	return t != "" && !strings.HasPrefix(t, "_") && !strings.HasSuffix(t, "_") && !strings.Contains(t, "__")
}

func parseNonNegInt(s string) (int, error) {
	n, err := parseInt(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want an integer of 0 or more, got %q", s)
	}
	return n, nil
}

var byteSuffixes = []struct {
	suffix string
	mult   int64
}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}}

// parseByteSize reads "50MB", "1KB", "2gb" or a plain number of bytes.
func parseByteSize(s string) (int64, error) {
	bad := fmt.Errorf("want a size in bytes like 50MB, 1KB or 0, got %q", s)
	t := strings.ToLower(s)
	mult := int64(1)
	for _, b := range byteSuffixes {
		if strings.HasSuffix(t, b.suffix) {
			t, mult = t[:len(t)-len(b.suffix)], b.mult
			break
		}
	}
	n, err := parseInt(t)
	if err != nil || n < 0 {
		return 0, bad
	}
	v := int64(n) * mult
	if v/mult != int64(n) {
		return 0, bad
	}
	return v, nil
}

// parseOctal reads a mode or umask: "022", "0o22" and "22" are the same.
func parseOctal(s string, max int64) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "0o"), "0O")
	n, err := strconv.ParseInt(strings.ReplaceAll(t, "_", ""), 8, 64)
	if err != nil || n < 0 || n > max {
		return 0, fmt.Errorf("want an octal number from 0 to %#o like 022, got %q", max, s)
	}
	return n, nil
}

func parseExitCodes(s string) ([]int, error) {
	if s == "" {
		return []int{}, nil
	}
	var codes []int
	for _, f := range strings.Split(s, ",") {
		n, err := parseInt(f)
		if err != nil || n < 0 || n > 255 {
			return nil, fmt.Errorf("want exit codes from 0 to 255 separated by commas, got %q", s)
		}
		codes = append(codes, n)
	}
	return codes, nil
}

func parseAutoRestart(s string) (AutoRestart, error) {
	if strings.ToLower(s) == "unexpected" {
		return RestartUnexpected, nil
	}
	b, err := parseBool(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("want true, false or unexpected, got %q", s)
	case b:
		return RestartAlways, nil
	}
	return RestartNever, nil
}

// parseSeconds reads supervisord's whole-second keys (startsecs,
// stopwaitsecs), which stay integers so configs keep working there.
func parseSeconds(s string) (time.Duration, error) {
	n, err := parseInt(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number of seconds, 0 or more, got %q", s)
	}
	return time.Duration(n) * time.Second, nil
}

// parseDuration reads the extension keys' durations: whole seconds or a Go
// duration such as 500ms or 1m30s.
func parseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("want seconds or a duration like 500ms or 1m30s, 0 or more, got %q", s)
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		if n < 0 || int64(n) > int64(1<<63-1)/int64(time.Second) {
			return 0, bad
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

// logfile reads stdout_logfile/stderr_logfile: NONE and OFF mean no file,
// AUTO a file in childlogdir, syslog the deprecated syslog alias.
func logfile(s, home string) (file string, syslog bool) {
	switch strings.ToLower(s) {
	case "none", "off":
		return "", false
	case "auto":
		return "AUTO", false
	case "syslog":
		return "", true
	}
	return expandUser(s, home), false
}

// expandUser does what Python's os.path.expanduser does for "~" and "~/x",
// which supervisord applies to log paths. "~user" is left for the runtime.
func expandUser(s, home string) string {
	if home == "" {
		return s
	}
	if s == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(s, "~/"); ok {
		return strings.TrimRight(home, "/") + "/" + rest
	}
	return s
}

var loglevels = []string{"critical", "error", "warn", "info", "debug", "trace", "blather"}

func parseLoglevel(s string) (string, error) {
	l := strings.ToLower(s)
	for _, v := range loglevels {
		if l == v {
			return v, nil
		}
	}
	return "", fmt.Errorf("want one of %s, got %q", strings.Join(loglevels, ", "), s)
}

// splitList splits on commas and whitespace, dropping empty items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}
