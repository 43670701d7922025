package config

import (
	"reflect"
	"testing"
)

// readINI returns section -> key -> value, or the first error.
func readINI(text string) (map[string]map[string]string, string) {
	d := newDiag()
	r := newINIReader(d)
	r.read("x.conf", []byte(text), "/", false)
	r.applyDefaults()
	if len(d.errs) > 0 {
		return nil, d.errs[0].Error()
	}
	out := map[string]map[string]string{}
	for _, s := range r.sections {
		out[s.name] = map[string]string{}
		for _, e := range s.entries {
			out[s.name][e.key] = e.value
		}
	}
	return out, ""
}

type kv = map[string]string

// The expectations come from running the same text through supervisord's
// own UnhosedConfigParser.
func TestINIDialect(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]map[string]string
	}{
		{"comments", "[a]\nk=v ; c\nk2=v;c\nk3=a#b #c\nk4 : x\nK5=y\n",
			map[string]map[string]string{"a": {"k": "v", "k2": "v;c", "k3": "a#b", "k4": "x", "k5": "y"}}},
		{"continuation", "[a]\ncmd=foo\n  bar\n\n  baz\nother=1\n",
			map[string]map[string]string{"a": {"cmd": "foo\nbar\n\nbaz", "other": "1"}}},
		{"trailing blank lines dropped", "[a]\ncmd=foo\n    \n\nx=1\n",
			map[string]map[string]string{"a": {"cmd": "foo", "x": "1"}}},
		{"comment inside continuation", "[a]\ncmd=\n  line1\n  ; comment\n  line2\n",
			map[string]map[string]string{"a": {"cmd": "\nline1\nline2"}}},
		{"header runs to last bracket", "[a] trailing\nk=v\n[b]]\nk=1\n",
			map[string]map[string]string{"a": {"k": "v"}, "b]": {"k": "1"}}},
		{"configparser comment search", "[a]\nk=a#b#c ;d\nj=x;y #z\nm=p ;q #r\n",
			map[string]map[string]string{"a": {"j": "x;y", "k": "a#b#c", "m": "p"}}},
		{"tab continuation", "[a]\nk=v\n\tcont\n", map[string]map[string]string{"a": {"k": "v\ncont"}}},
		{"same indent is a new key", "[a]\n  k=v\n  j=w\n", map[string]map[string]string{"a": {"j": "w", "k": "v"}}},
		{"deeper indent continues", "[a]\nk=v\n    j=w\n", map[string]map[string]string{"a": {"k": "v\nj=w"}}},
		{"quotes do not protect comments", "[a]\nk=\"quoted ; not\" ; c\n", map[string]map[string]string{"a": {"k": "\"quoted"}}},
		{"DEFAULT inherited", "[DEFAULT]\nd=1\n[a]\nk=v\n", map[string]map[string]string{"a": {"d": "1", "k": "v"}}},
		{"first delimiter wins", "[a]\nk==v\nj:=w\nl = :x\n", map[string]map[string]string{"a": {"j": "=w", "k": "=v", "l": ":x"}}},
		{"universal newlines", "[a]\r\nk=v\r\nj=w\rm=n\n", map[string]map[string]string{"a": {"j": "w", "k": "v", "m": "n"}}},
		{"colon in value", "[a]\nurl=http://x:1/y\nk:v=w\n", map[string]map[string]string{"a": {"k": "v=w", "url": "http://x:1/y"}}},
		{"comment lines", "[a]\n; comment\n# comment\n   ; indented comment\nk=1\n", map[string]map[string]string{"a": {"k": "1"}}},
		{"key case and spaces", "[a]\nK = V \nKey With Space = x\n", map[string]map[string]string{"a": {"k": "V", "key with space": "x"}}},
		{"blank lines then continuation", "[a]\nk=1\n\n\n  cont\n", map[string]map[string]string{"a": {"k": "1\n\n\ncont"}}},
		{"section names keep case and spaces", "[ a ]\nk=1\n[A]\nk=2\n", map[string]map[string]string{" a ": {"k": "1"}, "A": {"k": "2"}}},
		{"comment line does not end value", "[a]\nk=1\n#c\n  more\n", map[string]map[string]string{"a": {"k": "1\nmore"}}},
		{"indented key after blank line continues", "[a]\nk=1\n\n[b]\n  x=2\n", map[string]map[string]string{"a": {"k": "1"}, "b": {"x": "2"}}},
		{"non-breaking space before comment", "[a]\nk=v\u00a0;c\n", map[string]map[string]string{"a": {"k": "v"}}},
		{"hash value", "[a]\nk=#notcomment\n", map[string]map[string]string{"a": {"k": "#notcomment"}}},
		{"empty value", "[a]\nk= ;c\n", map[string]map[string]string{"a": {"k": ""}}},
		{"byte order mark", "\ufeff[a]\nk=1\n", map[string]map[string]string{"a": {"k": "1"}}},
		{"no final newline", "[a]\nk=1", map[string]map[string]string{"a": {"k": "1"}}},
		{"empty file", "", map[string]map[string]string{}},
	}
	for _, tt := range tests {
		got, err := readINI(tt.text)
		if err != "" {
			t.Errorf("%s: error %s", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestINIErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"k=v\n[a]\n", `x.conf:1: "k=v" is outside any section: the file must start with a [section] header`},
		{"[a]\nnovalue\n", `x.conf:2: want key=value or key: value, got "novalue"`},
		{"[a]\n=v\n", `x.conf:2: missing key before "="`},
		{"[a]\n:v\n", `x.conf:2: missing key before ":"`},
		{"[]\n", `x.conf:1: bad section header "[]": want [name]`},
		{"[a\n", `x.conf:1: bad section header "[a": want [name]`},
		{"[a]\n[a]\n", "x.conf:2: duplicate section [a], first at x.conf:1"},
		{"[a]\nk=1\nK=2\n", "x.conf:3: k: duplicate key in [a], first at x.conf:2"},
	}
	for _, tt := range tests {
		if _, err := readINI(tt.text); err != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, err, tt.want)
		}
	}
}

func TestINIDuplicateKeyContinuation(t *testing.T) {
	// The continuation of a rejected duplicate must not leak into the
	// first value.
	d := newDiag()
	r := newINIReader(d)
	r.read("x.conf", []byte("[a]\nk=1\nk=2\n  more\n"), "/", false)
	if got := r.byName["a"].get("k").value; got != "1" {
		t.Errorf("k = %q, want 1", got)
	}
}

func TestCommentStart(t *testing.T) {
	tests := map[string]int{
		"a":          -1,
		"a;b":        -1,
		"a ;b":       2,
		"a #b":       2,
		";x":         0,
		"  #x":       0,
		"a#b#c ;d":   6,
		"a\t;b":      2,
		"x;y;z ;w#q": 6,
	}
	for line, want := range tests {
		if got := commentStart(line); got != want {
			t.Errorf("commentStart(%q) = %d, want %d", line, got, want)
		}
	}
}
