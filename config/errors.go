package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/go-multierror"
)

// Pos is where a value came from: a file and line, or an environment
// variable.
type Pos struct {
	File string
	Line int
	Var  string
}

// String gives "app.conf:12", "env VIGIL_PROGRAM_web__AUTORESTART", or just
// the file when no line applies.
func (p Pos) String() string {
	switch {
	case p.Var != "":
		return "env " + quoteUnprintable(p.Var)
	case p.Line > 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	}
	return p.File
}

// quoteUnprintable quotes a name that holds a newline or another character
// that does not print, so that a message stays one readable line. The
// environment allows any byte but "=" and NUL in a variable's name.
func quoteUnprintable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// Error is one problem in a configuration.
type Error struct {
	Pos Pos
	Key string // "" for problems with a whole section or file
	Msg string
}

// Error formats like a compiler: "app.conf:12: autorestart: want ...".
func (e *Error) Error() string { return format(e.Pos, e.Key, e.Msg) }

// Warning is something vigil accepts but that the user probably wants to
// know: an unknown key, a section vigil ignores, a setting with no effect.
type Warning struct {
	Pos Pos
	Key string
	Msg string
}

// String formats like Error.Error.
func (w Warning) String() string { return format(w.Pos, w.Key, w.Msg) }

func format(pos Pos, key, msg string) string {
	var b strings.Builder
	if s := pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if key != "" {
		b.WriteString(key)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return b.String()
}

// diag gathers every error and warning of one load so that a single run
// reports all mistakes. numprocs copies of a section would repeat the same
// complaint, hence the dedup.
type diag struct {
	errs  []*Error
	warns []Warning
	seen  map[string]bool
}

func newDiag() *diag { return &diag{seen: map[string]bool{}} }

func (d *diag) errorf(pos Pos, key, f string, args ...any) {
	e := &Error{Pos: pos, Key: key, Msg: fmt.Sprintf(f, args...)}
	if s := "E" + e.Error(); !d.seen[s] {
		d.seen[s] = true
		d.errs = append(d.errs, e)
	}
}

func (d *diag) warnf(pos Pos, key, f string, args ...any) {
	w := Warning{Pos: pos, Key: key, Msg: fmt.Sprintf(f, args...)}
	if s := "W" + w.String(); !d.seen[s] {
		d.seen[s] = true
		d.warns = append(d.warns, w)
	}
}

// sorted puts messages in file order (files in the order they were read),
// then line, with environment variables last, so output reads top down.
func (d *diag) sort(files []string) {
	rank := map[string]int{}
	for i, f := range files {
		rank[f] = i + 1
	}
	less := func(a, b Pos) bool {
		ra, rb := posRank(a, rank), posRank(b, rank)
		if ra != rb {
			return ra < rb
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Var < b.Var
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return less(d.errs[i].Pos, d.errs[j].Pos) })
	sort.SliceStable(d.warns, func(i, j int) bool { return less(d.warns[i].Pos, d.warns[j].Pos) })
}

func posRank(p Pos, rank map[string]int) int {
	switch {
	case p.Var != "":
		return len(rank) + 2
	case p.File == "":
		return 0
	}
	if r, ok := rank[p.File]; ok {
		return r
	}
	return len(rank) + 1
}

// err returns the gathered errors as one *multierror.Error whose entries
// are *Error, printed one per line, or nil.
func (d *diag) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	me := &multierror.Error{ErrorFormat: lines}
	for _, e := range d.errs {
		me = multierror.Append(me, e)
	}
	return me
}

func lines(errs []error) string {
	s := make([]string, len(errs))
	for i, e := range errs {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}
