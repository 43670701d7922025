package config

import (
	"testing"
	"time"
)

func TestParseBool(t *testing.T) {
	for _, s := range []string{"true", "TRUE", "yes", "Yes", "on", "1"} {
		if v, err := parseBool(s); err != nil || !v {
			t.Errorf("parseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"false", "No", "OFF", "0"} {
		if v, err := parseBool(s); err != nil || v {
			t.Errorf("parseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"", "2", "y", "enabled", " true"} {
		if _, err := parseBool(s); err == nil {
			t.Errorf("parseBool(%q) succeeded", s)
		}
	}
}

func TestParseInt(t *testing.T) {
	good := map[string]int{"0": 0, "-5": -5, "+7": 7, " 12 ": 12, "1_000": 1000}
	for s, want := range good {
		if got, err := parseInt(s); err != nil || got != want {
			t.Errorf("parseInt(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "1.0", "0x10", "_1", "1_", "1__0", "one", "99999999999999999999"} {
		if got, err := parseInt(s); err == nil {
			t.Errorf("parseInt(%q) = %d, want an error", s, got)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	good := map[string]int64{
		"0": 0, "123": 123, "1KB": 1024, "1kb": 1024, "50MB": 50 << 20, "2GB": 2 << 30, "50 MB": 50 << 20,
	}
	for s, want := range good {
		if got, err := parseByteSize(s); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "MB", "1TB", "1.5MB", "-1", "x", "99999999999GB"} {
		if got, err := parseByteSize(s); err == nil {
			t.Errorf("parseByteSize(%q) = %d, want an error", s, got)
		}
	}
}

func TestParseOctal(t *testing.T) {
	good := map[string]int64{"022": 0o22, "22": 0o22, "0o22": 0o22, "0": 0, "777": 0o777}
	for s, want := range good {
		if got, err := parseOctal(s, 0o777); err != nil || got != want {
			t.Errorf("parseOctal(%q) = %o, %v; want %o", s, got, err, want)
		}
	}
	for _, s := range []string{"", "8", "1000", "-1", "0x1"} {
		if got, err := parseOctal(s, 0o777); err == nil {
			t.Errorf("parseOctal(%q) = %o, want an error", s, got)
		}
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"0": 0, "5": 5 * time.Second, "500ms": 500 * time.Millisecond, "1m30s": 90 * time.Second, " 2s ": 2 * time.Second,
	}
	for s, want := range good {
		if got, err := parseDuration(s); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "-1s", "1.5", "soon", "99999999999999"} {
		if got, err := parseDuration(s); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", s, got)
		}
	}
}

func TestParseAutoRestart(t *testing.T) {
	good := map[string]AutoRestart{
		"unexpected": RestartUnexpected, "UNEXPECTED": RestartUnexpected,
		"true": RestartAlways, "yes": RestartAlways, "1": RestartAlways,
		"false": RestartNever, "off": RestartNever, "0": RestartNever,
	}
	for s, want := range good {
		if got, err := parseAutoRestart(s); err != nil || got != want {
			t.Errorf("parseAutoRestart(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := parseAutoRestart("maybe"); err == nil || err.Error() != `want true, false or unexpected, got "maybe"` {
		t.Errorf("parseAutoRestart(maybe) error = %v", err)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"autorestar", "autorestart", 1}, {"wbe", "web", 1},
		{"kitten", "sitting", 3}, {"stopsignl", "stopsignal", 1},
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
