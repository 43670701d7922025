package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadOptions is what a load needs from outside the files.
type LoadOptions struct {
	// Env is the environment used for %(ENV_X)s and scanned for
	// VIGIL_PROGRAM_* programs: init's environment merged with the
	// --env-file values.
	Env map[string]string
	// Hostname is what %(host_node_name)s expands to.
	Hostname string
}

// Load reads the INI file at path (or nothing when path is ""), follows
// [include], adds the VIGIL_PROGRAM_* programs of opts.Env and checks
// everything. All problems come back at once as a *multierror.Error whose
// entries are *Error; the Config is nil then. Warnings are returned in
// every case.
func Load(path string, opts LoadOptions) (*Config, []Warning, error) {
	l := newLoader(opts)
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			l.d.errorf(Pos{File: path}, "", "cannot read config file: %v", pathErr(err))
			return l.result(nil)
		}
		l.readMain(path, data)
	}
	return l.result(l.build())
}

// Parse is Load for a file already in memory. name is used in positions;
// its directory is what %(here)s stands for and where [include] globs are
// resolved.
func Parse(name string, data []byte, opts LoadOptions) (*Config, []Warning, error) {
	l := newLoader(opts)
	l.readMain(name, data)
	return l.result(l.build())
}

// loader holds the state of one load; nothing outlives it.
type loader struct {
	opts    LoadOptions
	d       *diag
	ini     *iniReader
	files   []string
	mainDir string // absolute; %(here)s for values that come from the environment
	seen    map[string]string
}

func newLoader(opts LoadOptions) *loader {
	d := newDiag()
	wd, _ := filepath.Abs(".")
	return &loader{opts: opts, d: d, ini: newINIReader(d), mainDir: wd, seen: map[string]string{}}
}

func (l *loader) result(c *Config) (*Config, []Warning, error) {
	l.d.sort(l.files)
	if err := l.d.err(); err != nil {
		return nil, l.d.warns, err
	}
	return c, l.d.warns, nil
}

func (l *loader) readMain(name string, data []byte) {
	if name != "" {
		l.mainDir = absDir(name)
		l.files = append(l.files, name)
		l.seen[absPath(name)] = name
	}
	l.ini.read(name, data, l.mainDir, false)
	l.include(name)
	l.ini.applyDefaults()
}

// include reads the files [include] names, relative to the main file, in
// sorted order per pattern as supervisord does.
func (l *loader) include(name string) {
	sec := l.ini.byName["include"]
	if sec == nil {
		return
	}
	e := sec.get("files")
	if e == nil {
		l.d.errorf(sec.pos, "", "[include] has no files= setting")
		return
	}
	x := expansions{here: e.here, strs: map[string]string{"host_node_name": l.opts.Hostname}, env: l.opts.Env}
	v, err := x.expand(e.value)
	if err != nil {
		l.d.errorf(e.pos, "files", "%v", err)
		return
	}
	for _, pattern := range strings.Fields(v) {
		l.includePattern(e, filepath.Dir(name), pattern)
	}
}

func (l *loader) includePattern(e *entry, base, pattern string) {
	if filepath.IsAbs(pattern) {
		pattern = filepath.Clean(pattern)
	} else {
		pattern = filepath.Join(base, pattern)
	}
	matches, err := pyGlob(pattern)
	if err != nil {
		l.d.errorf(e.pos, "files", "bad pattern %q: %v", pattern, err)
		return
	}
	if len(matches) == 0 {
		l.d.warnf(e.pos, "files", "no file matches %q", pattern)
		return
	}
	for _, m := range matches {
		l.includeFile(e, m)
	}
}

func (l *loader) includeFile(e *entry, file string) {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return // supervisord's parser skips what it cannot read as a file
	}
	abs := absPath(file)
	if first, dup := l.seen[abs]; dup {
		l.d.errorf(e.pos, "files", "%s is included twice (first as %s)", file, first)
		return
	}
	l.seen[abs] = file
	data, err := os.ReadFile(file)
	if err != nil {
		l.d.errorf(e.pos, "files", "cannot read included file %s: %v", file, pathErr(err))
		return
	}
	l.files = append(l.files, file)
	l.ini.read(file, data, absDir(file), true)
}

// pyGlob is filepath.Glob with Python's rules: sorted, "[!x]" negates, and
// wildcards do not match names starting with "." unless the pattern does.
func pyGlob(pattern string) ([]string, error) {
	goPattern := strings.ReplaceAll(pattern, "[!", "[^")
	matches, err := filepath.Glob(goPattern)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if !hiddenMatch(goPattern, m) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out, nil
}

func hiddenMatch(pattern, match string) bool {
	pp := strings.Split(filepath.ToSlash(pattern), "/")
	mp := strings.Split(filepath.ToSlash(match), "/")
	if len(pp) != len(mp) {
		return false
	}
	for i := range pp {
		wild := strings.ContainsAny(pp[i], "*?[")
		if wild && strings.HasPrefix(mp[i], ".") && !strings.HasPrefix(pp[i], ".") {
			return true
		}
	}
	return false
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

func absDir(p string) string { return filepath.Dir(absPath(p)) }

// pathErr drops the path an *fs.PathError repeats, since the message is
// already positioned at the file.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
