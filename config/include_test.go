package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestInclude(t *testing.T) {
	dir := t.TempDir()
	main := writeFile(t, dir, "supervisord.conf", `[supervisord]
[include]
files = conf.d/*.conf
  extra/[!x]*.ini %(here)s/abs.conf
`)
	writeFile(t, dir, "conf.d/b.conf", "[program:b]\ncommand=%(here)s/b\n"+quiet)
	writeFile(t, dir, "conf.d/a.conf", "[program:a]\ncommand=a\n"+quiet)
	writeFile(t, dir, "conf.d/.hidden.conf", "[program:hidden]\ncommand=h\n"+quiet)
	writeFile(t, dir, "conf.d/skip.txt", "not ini")
	writeFile(t, dir, "conf.d/dir.conf/inner", "")
	writeFile(t, dir, "extra/y.ini", "[program:y]\ncommand=y\n"+quiet)
	writeFile(t, dir, "extra/x.ini", "[program:x]\ncommand=x\n"+quiet)
	writeFile(t, dir, "abs.conf", "[group:g]\nprograms=a,b\n")
	c, warns, err := Load(main, LoadOptions{})
	if err != nil || len(warns) > 0 {
		t.Fatalf("err=%v warns=%v", err, warns)
	}
	wantFiles := []string{main, dir + "/conf.d/a.conf", dir + "/conf.d/b.conf", dir + "/extra/y.ini", dir + "/abs.conf"}
	if !reflect.DeepEqual(c.Files, wantFiles) {
		t.Errorf("files:\n got %q\nwant %q", c.Files, wantFiles)
	}
	var names []string
	for _, p := range c.Processes() {
		names = append(names, p.Group+":"+p.Name)
	}
	if want := []string{"g:a", "g:b", "y:y"}; !reflect.DeepEqual(names, want) {
		t.Errorf("processes = %q, want %q", names, want)
	}
	if b := c.Process("b"); b.Command[0] != dir+"/conf.d/b" || b.Pos != (Pos{File: dir + "/conf.d/b.conf", Line: 1}) {
		t.Errorf("b = %+v", b)
	}
}

func TestIncludeRelativeNames(t *testing.T) {
	// Positions keep the path as the user gave it, so messages stay short.
	_, err := loadFiles(t, map[string]string{
		"main.conf":     "[include]\nfiles=conf.d/*.conf\n",
		"conf.d/w.conf": "[program:w]\ncommand=w\nautostart=sometimes\n",
	})
	if got := errLines(t, err); len(got) != 1 || got[0] != `conf.d/w.conf:3: autostart: want true or false (or yes/no, on/off, 1/0), got "sometimes"` {
		t.Errorf("got %q", got)
	}
}

func TestIncludeErrors(t *testing.T) {
	for _, tt := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"main.conf": "[include]\nfiles=inc.conf\n",
			"inc.conf": "[include]\nfiles=other.conf\n", "other.conf": "[program:o]\ncommand=o\n"},
			"inc.conf:1: an included file cannot contain [include]: supervisord reads [include] only in the main file"},
		{map[string]string{"main.conf": "[include]\nfiles=inc.conf\n[program:a]\ncommand=a\n",
			"inc.conf": "\n\n\n\n[program:a]\ncommand=a\n"},
			"inc.conf:5: duplicate section [program:a], first at main.conf:3"},
		{map[string]string{"main.conf": "[include]\nfiles=inc.conf inc.conf\n",
			"inc.conf": "[program:x]\ncommand=x\n"},
			"main.conf:2: files: inc.conf is included twice (first as inc.conf)"},
		{map[string]string{"main.conf": "[include]\nfiles=inc.conf\n",
			"inc.conf": "[program:x]\ncommand=x\nbad line\n"},
			`inc.conf:3: want key=value or key: value, got "bad line"`},
	} {
		_, err := loadFiles(t, tt.files)
		if got := errLines(t, err); !containsLine(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.files["main.conf"], got, tt.want)
		}
	}
}

// The main file matching its own glob, among other patterns, is "included
// twice", so [include] cannot loop back to it.
func TestIncludeSelf(t *testing.T) {
	_, err := loadFiles(t, map[string]string{
		"main.conf":     "[include]\nfiles=*.conf conf.d/*.conf\n",
		"conf.d/b.conf": "[program:b]\ncommand=b\n",
	})
	if got := errLines(t, err); len(got) != 1 || got[0] != "main.conf:2: files: main.conf is included twice (first as main.conf)" {
		t.Errorf("got %q", got)
	}
}

func TestIncludeBadPattern(t *testing.T) {
	_, _, err := parse("[include]\nfiles=[.conf\n", nil)
	if got := errLines(t, err); len(got) != 1 || !strings.HasPrefix(got[0], `app.conf:2: files: bad pattern "[.conf": syntax error in pattern`) {
		t.Errorf("got %q", got)
	}
}

func TestIncludeExpansion(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "conf.d/box.conf", "[program:w]\ncommand=w\n"+quiet)
	main := writeFile(t, dir, "main.conf", "[include]\nfiles=%(ENV_CONFD)s/%(host_node_name)s.conf\n")
	c, _, err := Load(main, LoadOptions{Env: map[string]string{"CONFD": dir + "/conf.d"}, Hostname: "box"})
	if err != nil || c.Process("w") == nil {
		t.Errorf("err=%v", err)
	}
}
