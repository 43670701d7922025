package config

import (
	"reflect"
	"testing"
)

func TestEnvProgramNew(t *testing.T) {
	c, warns, err := Load("", LoadOptions{Env: map[string]string{
		"VIGIL_PROGRAM_web":                          "nginx -g 'daemon off;'",
		"VIGIL_PROGRAM_web__AUTORESTART":             "false",
		"VIGIL_PROGRAM_web__stdout_logfile":          "/dev/stdout",
		"VIGIL_PROGRAM_web__Stdout_Logfile_Maxbytes": "0",
		"VIGIL_PROGRAM_web__REDIRECT_STDERR":         "true",
		"VIGIL_PROGRAM_worker-1.a":                   "/bin/worker %(program_name)s",
		"VIGIL_PROGRAM_worker-1.a__STDOUT_LOGFILE":   "NONE",
		"VIGIL_PROGRAM_worker-1.a__STDERR_LOGFILE":   "NONE",
		"PATH": "/bin",
	}})
	if err != nil || len(warns) > 0 {
		t.Fatalf("err=%v warns=%v", err, warns)
	}
	web := c.Process("web")
	if web == nil || !reflect.DeepEqual(web.Command, []string{"nginx", "-g", "daemon off;"}) || web.AutoRestart != RestartNever ||
		web.Stdout.File != "/dev/stdout" || !web.RedirectStderr || web.Pos != (Pos{Var: "VIGIL_PROGRAM_web"}) {
		t.Errorf("web = %+v", web)
	}
	w := c.Process("worker-1.a")
	if w == nil || !reflect.DeepEqual(w.Command, []string{"/bin/worker", "worker-1.a"}) {
		t.Errorf("worker = %+v", w)
	}
}

func TestEnvProgramOverridesINI(t *testing.T) {
	ini := "[program:web]\ncommand=/bin/web\nautorestart=true\npriority=5\nstdout_logfile=NONE\nstderr_logfile=NONE\n[program:db]\ncommand=/bin/db\nstdout_logfile=NONE\nstderr_logfile=NONE\n"
	c := mustParse(t, ini, map[string]string{
		"VIGIL_PROGRAM_web__AUTORESTART": "false",
		"VIGIL_PROGRAM_db":               "/bin/db --fast",
	})
	web, db := c.Process("web"), c.Process("db")
	if web.AutoRestart != RestartNever || web.Priority != 5 || web.Command[0] != "/bin/web" {
		t.Errorf("web = %+v", web)
	}
	if !reflect.DeepEqual(db.Command, []string{"/bin/db", "--fast"}) || db.Pos != (Pos{File: "app.conf", Line: 7}) {
		t.Errorf("db = %+v", db)
	}
}

func TestEnvProgramInGroup(t *testing.T) {
	c := mustParse(t, "[group:g]\nprograms=web\n", map[string]string{
		"VIGIL_PROGRAM_web": "w", "VIGIL_PROGRAM_web__STDOUT_LOGFILE": "NONE", "VIGIL_PROGRAM_web__STDERR_LOGFILE": "NONE",
	})
	if p := c.Process("g:web"); p == nil {
		t.Errorf("web not in group g: %+v", c.Groups)
	}
}

func TestEnvProgramErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__AUTORESTART": "maybe"},
			`env VIGIL_PROGRAM_web__AUTORESTART: autorestart: want true, false or unexpected, got "maybe"`},
		{map[string]string{"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__NUMPROCS": "2"},
			`env VIGIL_PROGRAM_web__NUMPROCS: process_name: must contain %(process_num) when numprocs > 1 (numprocs=2), e.g. %(program_name)s_%(process_num)02d`},
		{map[string]string{"VIGIL_PROGRAM_web__AUTORESTART": "false"},
			`env VIGIL_PROGRAM_web__AUTORESTART: program "web" has no command: set VIGIL_PROGRAM_web to its command line`},
		{map[string]string{"VIGIL_PROGRAM_web": ""}, `env VIGIL_PROGRAM_web: command: empty command`},
		{map[string]string{"VIGIL_PROGRAM_web": "'x"}, `env VIGIL_PROGRAM_web: command: cannot split "'x": no closing quotation`},
		{map[string]string{"VIGIL_PROGRAM_a:b": "x"}, `env VIGIL_PROGRAM_a:b: bad program name "a:b": a name cannot contain :`},
		{map[string]string{"VIGIL_PROGRAM_a/b": "x"}, `env VIGIL_PROGRAM_a/b: bad program name "a/b": a name cannot contain /`},
		{map[string]string{"VIGIL_PROGRAM_a b": "x"}, `env VIGIL_PROGRAM_a b: bad program name "a b": a name cannot contain whitespace`},
		{map[string]string{"VIGIL_PROGRAM_..": "x"}, `env VIGIL_PROGRAM_..: bad program name "..": a name cannot be . or ..`},
		{map[string]string{"VIGIL_PROGRAM_": "x"}, `env VIGIL_PROGRAM_: bad program name "": a name cannot be empty`},
		{map[string]string{"VIGIL_PROGRAM_a@b": "x"}, `env VIGIL_PROGRAM_a@b: bad program name "a@b": use only letters, digits, _, - and .`},
		{map[string]string{"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__": "y"},
			`env VIGIL_PROGRAM_web__: no key after "__": write VIGIL_PROGRAM_web__AUTORESTART=false and the like`},
		{map[string]string{"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__COMMAND": "y"},
			`env VIGIL_PROGRAM_web__COMMAND: command: set twice, also by VIGIL_PROGRAM_web`},
		{map[string]string{"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__AUTO RESTART": "y"},
			`env VIGIL_PROGRAM_web__AUTO RESTART: bad key "auto restart": use only letters, digits and _`},
		{map[string]string{"VIGIL_PROGRAM_\n": "x"}, `env "VIGIL_PROGRAM_\n": bad program name "\n": a name cannot contain whitespace`},
		{map[string]string{"VIGIL_PROGRAM_web": "x %(ENV_UNSET)s"},
			`env VIGIL_PROGRAM_web: command: %(ENV_UNSET)s: environment variable UNSET is not set`},
	}
	for _, tt := range tests {
		_, _, err := Load("", LoadOptions{Env: tt.env})
		if got := errLines(t, err); !containsLine(got, tt.want) {
			t.Errorf("%v:\n got %q\nwant %q", tt.env, got, tt.want)
		}
	}
}

func TestEnvProgramUnknownKey(t *testing.T) {
	_, warns, err := Load("", LoadOptions{Env: map[string]string{
		"VIGIL_PROGRAM_web": "x", "VIGIL_PROGRAM_web__AUTORESTAT": "true",
		"VIGIL_PROGRAM_web__STDOUT_LOGFILE": "NONE", "VIGIL_PROGRAM_web__STDERR_LOGFILE": "NONE",
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `env VIGIL_PROGRAM_web__AUTORESTAT: autorestat: unknown key, did you mean "autorestart"?`
	if w := warnLines(warns); len(w) != 1 || w[0] != want {
		t.Errorf("warnings = %q, want %q", w, want)
	}
}

func TestEnvProgramErrorsSortAfterFiles(t *testing.T) {
	_, _, err := parse("[program:a]\ncommand=x\npriority=x\n", map[string]string{"VIGIL_PROGRAM_a__AUTOSTART": "x"})
	got := errLines(t, err)
	want := []string{
		`app.conf:3: priority: want an integer, got "x"`,
		`env VIGIL_PROGRAM_a__AUTOSTART: autostart: want true or false (or yes/no, on/off, 1/0), got "x"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
