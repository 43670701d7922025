package config

import (
	"path/filepath"
	"strings"
)

// build turns the parsed sections into a Config, reporting every problem
// through l.d; the result is only used when there were none.
func (l *loader) build() *Config {
	l.addEnvPrograms()
	l.checkSections()
	c := &Config{Files: l.files}
	c.Supervisord = l.supervisord()
	base := expansions{
		strs: map[string]string{"host_node_name": l.opts.Hostname},
		env:  l.opts.Env,
	}.withEnv(c.Supervisord.Environment)
	c.Unix, c.Inet, c.Ctl = l.unixServer(base), l.inetServer(base), l.supervisorctl(base)
	c.Groups = l.groups(base)
	l.validate(c)
	return c
}

// checkSections warns about unknown keys and about sections vigil does not
// act on.
func (l *loader) checkSections() {
	known := map[string][]string{
		"supervisord": supervisordKeys, "program:": programKeys, "group:": groupKeys,
		"include": includeKeys, "unix_http_server": unixKeys, "inet_http_server": inetKeys,
		"supervisorctl": ctlKeys,
	}
	for _, s := range l.ini.sections {
		kind := sectionKind(s.name)
		switch kind {
		case "":
			l.d.warnf(s.pos, "", "unknown section [%s] ignored%s", s.name, suggestSection(s.name))
		case "eventlistener:":
			l.d.warnf(s.pos, "", "[%s] ignored: vigil does not run event listeners", s.name)
		case "fcgi-program:":
			l.d.warnf(s.pos, "", "[%s] ignored: vigil does not run FastCGI programs", s.name)
		}
		if keys, ok := known[kind]; ok {
			checkKeys(l.d, s, keys)
		}
	}
}

// keyReader reads typed values from one section, expanding %(name)s first,
// and reports bad values at their position.
type keyReader struct {
	l   *loader
	sec *section
	x   expansions
}

func (r keyReader) has(key string) bool { return r.sec.get(key) != nil }

// raw returns the expanded value of key; ok is false when the key is
// absent or could not be expanded (which has been reported).
func (r keyReader) raw(key string) (v string, e *entry, ok bool) {
	e = r.sec.get(key)
	if e == nil {
		return "", nil, false
	}
	x := r.x
	x.here = e.here
	v, err := x.expand(e.value)
	if err != nil {
		r.l.d.errorf(e.pos, key, "%v", err)
		return "", e, false
	}
	return v, e, true
}

func (r keyReader) str(key, def string) string {
	if v, _, ok := r.raw(key); ok {
		return v
	}
	return def
}

// get reads key with parse, falling back to def when the key is absent or
// wrong.
func get[T any](r keyReader, key string, def T, parse func(string) (T, error)) T {
	v, e, ok := r.raw(key)
	if !ok {
		return def
	}
	t, err := parse(v)
	if err != nil {
		r.l.d.errorf(e.pos, key, "%v", err)
		return def
	}
	return t
}

// environment reads an environment= value.
func (r keyReader) environment(key string) []EnvVar {
	v, e, ok := r.raw(key)
	if !ok {
		return nil
	}
	vars, warns, err := parseKeyValues(v)
	if err != nil {
		r.l.d.errorf(e.pos, key, "%v", err)
		return nil
	}
	for _, w := range warns {
		r.l.d.warnf(e.pos, key, "%s", w)
	}
	return vars
}

// paths reads a list of files separated by spaces or commas, relative to
// the directory of the file that names them.
func (r keyReader) paths(key string) []string {
	v, e, ok := r.raw(key)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range splitList(v) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(e.here, p)
		}
		out = append(out, p)
	}
	return out
}

// auth reads username/password, which supervisord wants both or neither.
// Unlike supervisord it refuses an empty one (often an %(ENV_X)s whose
// variable is set but empty): an empty password lets in anyone who sends
// the username with none, and an empty username turns authentication off.
func (r keyReader) auth() (user, pass string) {
	user, pass = r.str("username", ""), r.str("password", "")
	if r.has("username") != r.has("password") {
		r.l.d.errorf(r.sec.pos, "", "[%s] sets only one of username and password: give both or neither", r.sec.name)
		return user, pass
	}
	for _, kv := range [][2]string{{"username", user}, {"password", pass}} {
		if e := r.sec.get(kv[0]); e != nil && kv[1] == "" {
			r.l.d.errorf(e.pos, kv[0], "empty: give a %s, or remove username and password both", kv[0])
		}
	}
	return user, pass
}

// tempDir is what Python's tempfile.gettempdir() would pick for
// childlogdir's default, without looking at the file system.
func tempDir(env map[string]string) string {
	for _, k := range []string{"TMPDIR", "TEMP", "TMP"} {
		if v := strings.TrimSpace(env[k]); v != "" {
			return v
		}
	}
	return "/tmp"
}
