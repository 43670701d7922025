package config

import (
	"strings"
	"testing"
)

func testExpansions() expansions {
	return expansions{
		here: "/etc",
		strs: map[string]string{"program_name": "web", "group_name": "g", "host_node_name": "h"},
		ints: map[string]int{"process_num": 7, "numprocs": 3},
		env:  map[string]string{"HOME": "/root", "X": "a b"},
	}
}

// The expectations come from Python's "s % mapping" with the same names.
func TestExpand(t *testing.T) {
	tests := map[string]string{
		"plain":                              "plain",
		"%(here)s/x":                         "/etc/x",
		"%(process_num)02d":                  "07",
		"%(process_num)d-%(numprocs)d":       "7-3",
		"%(process_num)s":                    "7",
		"%(program_name)s_%(process_num)03d": "web_007",
		"%(group_name)s@%(host_node_name)s":  "g@h",
		"100%%":                              "100%",
		"%%(here)s":                          "%(here)s",
		"%(ENV_HOME)s %(ENV_X)s":             "/root a b",
		"%(process_num)5d|":                  "    7|",
		"%(process_num)-5d|":                 "7    |",
		"%(process_num)+d":                   "+7",
		"%(process_num) d":                   " 7",
		"%(process_num)ld":                   "7",
		"%(process_num).3d":                  "007",
		"%(process_num)i %(process_num)u":    "7 7",
		"%(program_name)10s|%(program_name)-10s|%(program_name).2s": "       web|web       |we",
		"%(program_name)05s":                                "  web",
		"%(program_name)r %(process_num)r":                  "'web' 7",
		"%(process_num)c":                                   "\a",
		"%(process_num)f %(process_num).2e %(process_num)g": "7.000000 7.00e+00 7",
		"%(process_num)x %(process_num)#x %(process_num)o %(process_num)#o %(process_num)X": "7 0x7 7 0o7 7",
	}
	x := testExpansions()
	for in, want := range tests {
		got, err := x.expand(in)
		if err != nil || got != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	tests := map[string]string{
		"%(ENV_NOPE)s":     "%(ENV_NOPE)s: environment variable NOPE is not set",
		"%(nope)s":         `%(nope)s: unknown name "nope"; known names: ENV_<variable>, group_name, here, host_node_name, numprocs, process_num, program_name`,
		"%(program_name)d": "%(program_name)d: a number is required, not a string",
		"%(here)":          `bad format "%(here)": incomplete format`,
		"%(here":           `"%(here" has no closing parenthesis`,
		"%s":               `bad % at "%s": write %(name)s to expand a name or %% for a literal %`,
		"50% off":          `bad % at "% off": write %(name)s to expand a name or %% for a literal %`,
		"%":                `bad % at "%": write %(name)s to expand a name or %% for a literal %`,
		"%(here)z":         `bad format "%(here)z": unsupported format character 'z'`,
		"%(process_num)*d": `bad format "%(process_num)*": unsupported format character '*'`,
		"%(program_name)c": "%(program_name)c: %c requires an int or a single character",
	}
	x := testExpansions()
	for in, want := range tests {
		got, err := x.expand(in)
		if err == nil || err.Error() != want {
			t.Errorf("expand(%q) = %q, %v; want error %q", in, got, err, want)
		}
	}
}

func TestExpandNestedParens(t *testing.T) {
	x := testExpansions()
	x.strs["a(b)"] = "nested"
	if got, err := x.expand("%(a(b))s"); err != nil || got != "nested" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestExpandScopes(t *testing.T) {
	// Only [program] sections know program_name and friends; elsewhere the
	// unknown-name error lists what is known there.
	_, _, err := parse("[supervisord]\nlogfile=%(program_name)s\n", nil)
	got := errLines(t, err)
	want := `app.conf:2: logfile: %(program_name)s: unknown name "program_name"; known names: ENV_<variable>, here, host_node_name`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	_, _, err = parse("[include]\nfiles=%(process_num)d.conf\n", nil)
	if got := errLines(t, err); len(got) != 1 || !strings.Contains(got[0], `unknown name "process_num"`) {
		t.Errorf("include: got %q", got)
	}
}
