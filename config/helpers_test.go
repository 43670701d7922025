package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-multierror"
)

// parse loads text as "app.conf" with env as the environment.
func parse(text string, env map[string]string) (*Config, []Warning, error) {
	return Parse("app.conf", []byte(text), LoadOptions{Env: env, Hostname: "box"})
}

// mustParse fails the test on any error or warning.
func mustParse(t *testing.T, text string, env map[string]string) *Config {
	t.Helper()
	c, warns, err := parse(text, env)
	if err != nil {
		t.Fatalf("unexpected errors:\n%v", err)
	}
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	return c
}

// errLines returns every error message, checking that err is the promised
// *multierror.Error of *Error.
func errLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("error is %T, want *multierror.Error", err)
	}
	var out []string
	for _, e := range me.Errors {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("entry is %T, want *Error", e)
		}
		out = append(out, ce.Error())
	}
	return out
}

func warnLines(warns []Warning) []string {
	var out []string
	for _, w := range warns {
		out = append(out, w.String())
	}
	return out
}

// containsLine reports whether one of lines equals want, or contains it
// when want ends with "...".
func containsLine(lines []string, want string) bool {
	prefix, partial := strings.CutSuffix(want, "...")
	for _, l := range lines {
		if l == want || partial && strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// one returns the only process of c.
func one(t *testing.T, c *Config) *Process {
	t.Helper()
	ps := c.Processes()
	if len(ps) != 1 {
		t.Fatalf("got %d processes, want 1", len(ps))
	}
	return ps[0]
}
