package config

import (
	"bytes"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
	"github.com/joho/godotenv"
)

// ReadEnvFile reads a .env file (KEY=value lines, quotes, comments,
// "export", ${VAR} of earlier keys, as godotenv reads them). Its error is
// an *Error positioned at the offending line.
func ReadEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Pos: Pos{File: path}, Msg: "cannot read env file: " + pathErr(err).Error()}
	}
	return parseEnvFile(path, data)
}

func parseEnvFile(path string, data []byte) (map[string]string, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// godotenv would take it, and exec would then refuse the whole
		// environment with a bare EINVAL at every start of the program.
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		return nil, &Error{Pos: Pos{File: path, Line: line}, Msg: "NUL byte in the line: no environment variable can hold one"}
	}
	m, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		line := errorLine(data)
		return nil, &Error{Pos: Pos{File: path, Line: line}, Msg: envFileMsg(err, data, line)}
	}
	if v, ok := m[""]; ok {
		// godotenv takes a last line without "=" as a value with no name.
		line := lastStatement(data)
		return nil, &Error{Pos: Pos{File: path, Line: line}, Msg: "want KEY=value, got " + quote(v)}
	}
	return m, nil
}

// errorLine finds the line godotenv stopped at, which its errors do not
// say: the line after the longest prefix of the file that still parses.
// Prefixes are tried from the longest down because a prefix ending inside
// a quoted multi-line value fails even when the whole file would not.
func errorLine(data []byte) int {
	lines := envLines(data)
	for k := len(lines) - 1; k >= 0; k-- {
		m, err := godotenv.Unmarshal(strings.Join(lines[:k], "\n"))
		if _, nameless := m[""]; err == nil && !nameless {
			return k + 1
		}
	}
	return 1
}

func lastStatement(data []byte) int {
	lines := envLines(data)
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t != "" && !strings.HasPrefix(t, "#") {
			return i + 1
		}
	}
	return 1
}

func envLines(data []byte) []string {
	return strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
}

// envFileMsg shortens godotenv's message, which quotes the whole rest of
// the file after "near", to the offending line.
func envFileMsg(err error, data []byte, line int) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, `unexpected character "\n"`):
		msg = "want KEY=value"
	case strings.HasPrefix(msg, "unterminated quoted value"):
		msg = "unterminated quoted value"
	}
	if i := strings.Index(msg, " near "); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if lines := envLines(data); line >= 1 && line <= len(lines) {
		msg += ", got " + quote(strings.TrimSpace(lines[line-1]))
	}
	return msg
}

// quote quotes s, clipped to 80 bytes, for a message of one line: a
// multi-line quoted value must not spill its lines into it.
func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

// Environ builds the environment p starts with, in the order of precedence
// described in the package documentation: base (init's environment with
// the --env-file values, as "K=V") overlaid with [supervisord] env_file and
// environment, then p's env_file files and p's environment. It reads the
// env files, so the runtime calls it when it starts p; a bad file gives an
// *Error per problem in a *multierror.Error. SUPERVISOR_* variables are
// the runtime's to add.
func (c *Config) Environ(p *Process, base []string) ([]string, error) {
	env := newOrderedEnv(base)
	var errs *multierror.Error
	read := func(files []string) {
		for _, f := range files {
			m, err := ReadEnvFile(f)
			if err != nil {
				errs = multierror.Append(errs, err)
				continue
			}
			env.setMap(m)
		}
	}
	read(c.Supervisord.EnvFiles)
	env.setVars(c.Supervisord.Environment)
	read(p.EnvFiles)
	env.setVars(p.Environment)
	if errs != nil {
		errs.ErrorFormat = lines
		return nil, errs
	}
	return env.list(), nil
}

// orderedEnv keeps variables in first-seen order so the result is stable.
type orderedEnv struct {
	keys []string
	vals map[string]string
}

func newOrderedEnv(base []string) *orderedEnv {
	e := &orderedEnv{vals: map[string]string{}}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		e.set(k, v)
	}
	return e
}

func (e *orderedEnv) set(k, v string) {
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (e *orderedEnv) setMap(m map[string]string) {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		e.set(k, m[k])
	}
}

func (e *orderedEnv) setVars(vars []EnvVar) {
	for _, v := range vars {
		e.set(v.Key, v.Value)
	}
}

func (e *orderedEnv) list() []string {
	out := make([]string, len(e.keys))
	for i, k := range e.keys {
		out[i] = k + "=" + e.vals[k]
	}
	return out
}
