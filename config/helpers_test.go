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

// errorList returns the entries of err, checking that it is the promised
// *multierror.Error holding at least one *Error, each as it is.
func errorList(t *testing.T, err error) []*Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var me *multierror.Error
	if !errors.As(err, &me) || len(me.Errors) == 0 {
		t.Fatalf("error %T %v is not a list of errors", err, err)
	}
	out := make([]*Error, len(me.Errors))
	for i, e := range me.Errors {
		ce, ok := e.(*Error)
		if !ok {
			t.Fatalf("entry %T %v is not an *Error", e, e)
		}
		out[i] = ce
	}
	return out
}

// errLines returns every error message of err (see errorList).
func errLines(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, e := range errorList(t, err) {
		out = append(out, e.Error())
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

// loadFiles writes files (name to text) into a new directory, changes
// into it and loads main.conf, so that positions are the short names.
func loadFiles(t *testing.T, files map[string]string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, text := range files {
		writeFile(t, dir, name, text)
	}
	c, _, err := Load("main.conf", LoadOptions{})
	return c, err
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
