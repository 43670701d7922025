package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadEnvFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "app.env", `# comment
A=1
export B="two words"
C='single $A'
D="with ${A} and \n"
E=x # trailing comment

F="multi
line"
`)
	got, err := ReadEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "single $A", "D": "with 1 and \n", "E": "x", "F": "multi\nline"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestReadEnvFileErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"A=1\nB-C=2\nD=3\n", `bad.env:2: unexpected character "-" in variable name, got "B-C=2"`},
		{"A=1\n\n# c\nB=\"open\nC=3\n", `bad.env:4: unterminated quoted value, got "B=\"open"`},
		{"A=1\nF=\"multi\nline\"\nbad line\n", `bad.env:4: want KEY=value, got "bad line"`},
		{"A=1\nLAST", `bad.env:2: want KEY=value, got "LAST"`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := writeFile(t, dir, "bad.env", tt.text)
		_, err := ReadEnvFile(path)
		if err == nil {
			t.Errorf("%q: no error", tt.text)
			continue
		}
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: error is %T, want *Error", tt.text, err)
			continue
		}
		if got := strings.TrimPrefix(e.Error(), dir+"/"); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
	_, err := ReadEnvFile(t.TempDir() + "/missing.env")
	if err == nil || !strings.HasSuffix(err.Error(), "missing.env: cannot read env file: no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

func TestEnvFilePaths(t *testing.T) {
	c := mustParse(t, "[supervisord]\nenv_file=global.env\n[program:w]\ncommand=x\nenv_file=a.env, sub/b.env /abs/c.env\nstdout_logfile=NONE\nstderr_logfile=NONE\n", nil)
	here := absDir("app.conf")
	if want := []string{here + "/global.env"}; !reflect.DeepEqual(c.Supervisord.EnvFiles, want) {
		t.Errorf("supervisord env files = %q, want %q", c.Supervisord.EnvFiles, want)
	}
	want := []string{here + "/a.env", here + "/sub/b.env", "/abs/c.env"}
	if got := one(t, c).EnvFiles; !reflect.DeepEqual(got, want) {
		t.Errorf("program env files = %q, want %q", got, want)
	}
}

// TestEnvironPrecedence checks the documented order: base < [supervisord]
// env_file < [supervisord] environment < program env_file < program
// environment.
func TestEnvironPrecedence(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "global.env", "G_FILE=g\nSHARED=global-file\nBASE=global-file\n")
	writeFile(t, dir, "prog.env", "P_FILE=p\nSHARED=prog-file\nSUP=prog-file\n")
	path := writeFile(t, dir, "app.conf", `[supervisord]
env_file=global.env
environment=SUP="sup",SHARED="sup"
[program:w]
command=x
env_file=prog.env
environment=SHARED="own",OWN=own
stdout_logfile=NONE
stderr_logfile=NONE
`)
	c, _, err := Load(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Environ(one(t, c), []string{"BASE=base", "KEEP=keep", "SHARED=base"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BASE=global-file", "KEEP=keep", "SHARED=own", "G_FILE=g", "SUP=prog-file", "P_FILE=p", "OWN=own"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestEnvironFileErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.env", "OK=1\nNOT OK\n")
	path := writeFile(t, dir, "app.conf", "[program:w]\ncommand=x\nenv_file=bad.env missing.env\nstdout_logfile=NONE\nstderr_logfile=NONE\n")
	c, _, err := Load(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Environ(one(t, c), nil)
	lines := errLines(t, err)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], dir+"/bad.env:2: ") || !strings.HasPrefix(lines[1], dir+"/missing.env: cannot read") {
		t.Errorf("errors = %q", lines)
	}
}
