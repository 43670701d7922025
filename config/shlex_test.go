package config

import (
	"reflect"
	"testing"
)

// The expectations below come from Python's shlex.split and supervisord's
// dict_of_key_value_pairs run on the same text; nil means Python raised.
func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a b  c", []string{"a", "b", "c"}},
		{`a 'b c' "d e"`, []string{"a", "b c", "d e"}},
		{`a\ b`, []string{"a b"}},
		{`"a\"b" 'a\'`, []string{`a"b`, `a\`}},
		{`"a\b\\c"`, []string{`a\b\c`}},
		{`x""y ''`, []string{"xy", ""}},
		{`""`, []string{""}},
		{"a#b # c", []string{"a#b", "#", "c"}},
		{"line1\nline2", []string{"line1", "line2"}},
		{"tab\there", []string{"tab", "here"}},
		{`/bin/sh -c "exec nginx -g 'daemon off;'"`, []string{"/bin/sh", "-c", "exec nginx -g 'daemon off;'"}},
		{"é ü", []string{"é", "ü"}},
		{"", []string{}},
		{"   ", []string{}},
		{"'unterminated", nil},
		{`"unterminated`, nil},
		{`trailing\`, nil},
		{`"escape at end\`, nil},
	}
	for _, tt := range tests {
		got, err := splitCommand(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("splitCommand(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if got == nil {
			got = []string{}
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseKeyValues(t *testing.T) {
	tests := []struct {
		in   string
		want []EnvVar
		err  bool
	}{
		{"A=1,B=2", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{`A="x,y",B='z'`, []EnvVar{{"A", "x,y"}, {"B", "z"}}, false},
		{"A=hello world", []EnvVar{{"A", "hello"}}, false},
		{"A=1;B=2", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{"A=1 B=2", nil, true},
		{"A=foo@bar", nil, true},
		{"A=", nil, true},
		{"A", nil, true},
		{"A=1,,B=2", nil, true},
		{`A=x"a,b"`, nil, true},
		{"A=1 # comment\n,B=2", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{"A=x#c\ny,B=2", []EnvVar{{"A", "xy"}, {"B", "2"}}, false},
		{"PATH=/usr/bin:/bin,HOME=/root", []EnvVar{{"PATH", "/usr/bin:/bin"}, {"HOME", "/root"}}, false},
		{`A="",B=''`, []EnvVar{{"A", ""}, {"B", ""}}, false},
		{"A=café", []EnvVar{{"A", "caf"}}, false},
		{"A=-1.5+(x):y", []EnvVar{{"A", "-1.5+(x):y"}}, false},
		{`"A"=1`, []EnvVar{{`"A"`, "1"}}, false},
		{"A = 1 , B = 2", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{"A=1,B=2,", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{"A=1\n,\nB=2", []EnvVar{{"A", "1"}, {"B", "2"}}, false},
		{`A="it's",B='say "hi"'`, []EnvVar{{"A", "it's"}, {"B", `say "hi`}}, false},
		{`A="""x"""`, nil, true},
		{`A="unterminated`, nil, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, _, err := parseKeyValues(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("parseKeyValues(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseKeyValues(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
