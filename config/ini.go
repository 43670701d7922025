package config

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// entry is one key of a section, with the value as written (continuation
// lines joined by "\n") and the directory %(here)s stands for.
type entry struct {
	key, value string
	pos        Pos
	here       string
	inherited  bool // from [DEFAULT]: not the section's own, so never "unknown"
	lines      []string
}

// section is one [name] of the INI dialect, or a program defined only
// through VIGIL_PROGRAM_* variables.
type section struct {
	name    string
	pos     Pos
	here    string
	entries []*entry
	byKey   map[string]*entry
}

func newSection(name string, pos Pos, here string) *section {
	return &section{name: name, pos: pos, here: here, byKey: map[string]*entry{}}
}

func (s *section) get(key string) *entry { return s.byKey[key] }

// set adds e, replacing an entry of the same key in place so the key keeps
// its position in the section.
func (s *section) set(e *entry) {
	if old := s.byKey[e.key]; old != nil {
		*old = *e
		return
	}
	s.entries = append(s.entries, e)
	s.byKey[e.key] = e
}

// iniReader parses files the way Python's configparser does with the
// settings supervisord uses (inline comments ";" and "#" after whitespace,
// empty lines kept inside values, keys lowercased, section names as
// written), except that duplicate sections and keys are errors instead of
// silently merging.
type iniReader struct {
	d        *diag
	sections []*section
	byName   map[string]*section
	defaults *section
}

func newINIReader(d *diag) *iniReader {
	return &iniReader{d: d, byName: map[string]*section{}, defaults: newSection("DEFAULT", Pos{}, "")}
}

// fileState is the parser's position within one file.
type fileState struct {
	file     string
	here     string
	included bool
	cur      *section
	opt      *entry
	indent   int
	orphaned bool
}

func (r *iniReader) read(file string, data []byte, here string, included bool) {
	lines := splitLines(data)
	for i, line := range lines {
		if strings.IndexByte(line, 0) >= 0 {
			// No argv or environment can hold a NUL, so a value with one
			// would only fail later, at spawn, with a bare EINVAL; and a
			// file with NULs is binary, not the config that was meant.
			// Nothing of it is read: its sections would only add errors.
			r.d.errorf(Pos{File: file, Line: i + 1}, "", "NUL byte in the line: a config file is text; is %s the file you meant?", file)
			return
		}
	}
	st := &fileState{file: file, here: here, included: included}
	for i, line := range lines {
		r.line(st, i+1, line)
	}
	r.finish()
}

func (r *iniReader) line(st *fileState, lineno int, line string) {
	cs := commentStart(line)
	value := line
	if cs >= 0 {
		value = line[:cs]
	}
	value = strings.TrimSpace(value)
	if value == "" {
		// configparser keeps blank lines inside a value (not comment lines),
		// so an indented line after a blank one still continues it.
		if cs < 0 && st.cur != nil && st.opt != nil {
			st.opt.lines = append(st.opt.lines, "")
		}
		return
	}
	ind := indentOf(line)
	if st.cur != nil && st.opt != nil && ind > st.indent {
		st.opt.lines = append(st.opt.lines, value)
		return
	}
	st.indent = ind
	pos := Pos{File: st.file, Line: lineno}
	if name, ok := sectionHeader(value); ok {
		r.header(st, name, pos)
		return
	}
	if strings.HasPrefix(value, "[") {
		r.d.errorf(pos, "", "bad section header %q: want [name]", value)
		// The keys that follow belong to the broken section. Read into a
		// section that goes nowhere, they are still checked, but cannot
		// land in the section before (a false "duplicate key", or a
		// setting silently applied to the wrong program) nor count as
		// "outside any section".
		st.cur, st.opt = newSection("", pos, st.here), nil
		return
	}
	if st.cur == nil {
		if !st.orphaned {
			r.d.errorf(pos, "", "%q is outside any section: the file must start with a [section] header", value)
			st.orphaned = true
		}
		return
	}
	r.option(st, value, pos)
}

func (r *iniReader) header(st *fileState, name string, pos Pos) {
	st.opt = nil
	sec := newSection(name, pos, st.here)
	st.cur = sec
	switch {
	case name == "DEFAULT":
		if len(r.defaults.entries) > 0 || r.defaults.pos.Line > 0 {
			r.d.errorf(pos, "", "duplicate section [DEFAULT], first at %s", r.defaults.pos)
			return
		}
		r.defaults.pos = pos
		st.cur = r.defaults
	case name == "include" && st.included:
		r.d.errorf(pos, "", "an included file cannot contain [include]: supervisord reads [include] only in the main file")
	case r.byName[name] != nil:
		r.d.errorf(pos, "", "duplicate section [%s], first at %s", name, r.byName[name].pos)
	default:
		r.sections = append(r.sections, sec)
		r.byName[name] = sec
	}
}

func (r *iniReader) option(st *fileState, value string, pos Pos) {
	st.opt = nil
	i := strings.IndexAny(value, "=:")
	if i < 0 {
		r.d.errorf(pos, "", "want key=value or key: value, got %q", value)
		return
	}
	key := strings.ToLower(strings.TrimRightFunc(value[:i], unicode.IsSpace))
	e := &entry{key: key, pos: pos, here: st.here, lines: []string{strings.TrimSpace(value[i+1:])}}
	st.opt = e
	if key == "" {
		r.d.errorf(pos, "", "missing key before %q", value[i:i+1])
		return
	}
	if old := st.cur.get(key); old != nil {
		r.d.errorf(pos, key, "duplicate key in [%s], first at %s", st.cur.name, old.pos)
		return
	}
	st.cur.set(e)
}

// finish joins continuation lines the way configparser does.
func (r *iniReader) finish() {
	join := func(s *section) {
		for _, e := range s.entries {
			if e.lines != nil {
				e.value = strings.TrimRightFunc(strings.Join(e.lines, "\n"), unicode.IsSpace)
				e.lines = nil
			}
		}
	}
	join(r.defaults)
	for _, s := range r.sections {
		join(s)
	}
}

// applyDefaults gives every section the [DEFAULT] keys it does not set
// itself, as configparser does.
func (r *iniReader) applyDefaults() {
	for _, s := range r.sections {
		for _, e := range r.defaults.entries {
			if s.get(e.key) == nil {
				c := *e
				c.inherited = true
				s.set(&c)
			}
		}
	}
}

// splitLines splits like Python's universal newlines: "\n", "\r\n" and a
// lone "\r" all end a line. A UTF-8 byte order mark is dropped.
func splitLines(data []byte) []string {
	s := strings.TrimPrefix(string(data), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// commentStart returns where a comment starts in line, or -1. It follows
// configparser's own search step by step (both prefixes advance one
// occurrence per round) rather than simply taking the first valid prefix,
// because the two differ on lines like "a#b#c ;d" and values must come out
// as supervisord sees them.
func commentStart(line string) int {
	const none = int(^uint(0) >> 1)
	start := none
	type cursor struct {
		prefix byte
		index  int
	}
	active := []cursor{{';', -1}, {'#', -1}}
	for start == none && len(active) > 0 {
		var next []cursor
		for _, c := range active {
			i := indexFrom(line, c.prefix, c.index+1)
			if i < 0 {
				continue
			}
			next = append(next, cursor{c.prefix, i})
			if i == 0 || spaceBefore(line, i) {
				start = min(start, i)
			}
		}
		active = next
	}
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
		start = 0
	}
	if start == none {
		return -1
	}
	return start
}

func indexFrom(s string, b byte, from int) int {
	if from > len(s) {
		return -1
	}
	i := strings.IndexByte(s[from:], b)
	if i < 0 {
		return -1
	}
	return from + i
}

func spaceBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r)
}

// indentOf counts leading whitespace in characters, as configparser does.
func indentOf(line string) int {
	n := 0
	for _, r := range line {
		if !unicode.IsSpace(r) {
			break
		}
		n++
	}
	return n
}

// sectionHeader matches configparser's "\[(.+)\]" at the start of a value:
// greedy, so the name runs to the last "]" and anything after it is ignored.
func sectionHeader(value string) (string, bool) {
	if !strings.HasPrefix(value, "[") {
		return "", false
	}
	end := strings.LastIndexByte(value, ']')
	if end < 2 {
		return "", false
	}
	return value[1:end], true
}
