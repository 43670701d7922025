package config

import (
	"reflect"
	"strings"
	"testing"
)

// Bad input, one table per kind, as the README's table lists it: every
// mistake is one line naming the file and line (or the variable), the key,
// and what would be right; and no config comes back, so nothing starts
// and a reload changes nothing. Cases already in the tests of each part
// (TestINIErrors, TestErrorMessages, TestSectionErrors, TestIncludeErrors,
// TestDependsOnErrors...) are not repeated here.

// badConfig is one bad config and every error line it must give, in order.
type badConfig struct {
	name string
	text string
	want []string
}

func checkBad(t *testing.T, tests []badConfig) {
	t.Helper()
	for _, tt := range tests {
		c, _, err := parse(tt.text, nil)
		if c != nil {
			t.Errorf("%s: a config came back along with errors", tt.name)
		}
		// Each want is one line, so equal lines are one line each.
		if got := errLines(t, err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %q\n got %q\nwant %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestBadInputMalformedINI(t *testing.T) {
	checkBad(t, []badConfig{
		{"header without ]", "[program:a]\ncommand=a\n[program:b\ncommand=b\nautostart=no\n",
			// The keys of the broken section are neither duplicates in
			// [program:a] nor "outside any section".
			[]string{`app.conf:3: bad section header "[program:b": want [name]`}},
		{"first header without ]", "[program:b\ncommand=b\n",
			[]string{`app.conf:1: bad section header "[program:b": want [name]`}},
		{"keys of a broken section still checked", "[program:b\ncommand=b\ncommand=c\n",
			[]string{`app.conf:1: bad section header "[program:b": want [name]`,
				`app.conf:3: command: duplicate key in [], first at app.conf:2`}},
		{"line without =", "[program:a]\ncommand=a\nautostart\n",
			[]string{`app.conf:3: want key=value or key: value, got "autostart"`}},
		{"continuation with no key", "[program:a]\n  command=a\n    --flag\n[program:b]\n    orphan\ncommand=b\n",
			// An indented line right after a header starts a key, as in
			// configparser; one that is not key=value is an error.
			[]string{`app.conf:5: want key=value or key: value, got "orphan"`}},
		{"continuation before any section", "  lost\n[program:a]\ncommand=a\n",
			[]string{`app.conf:1: "lost" is outside any section: the file must start with a [section] header`}},
		{"NUL byte", "[program:a]\ncommand=a\x00b\n",
			[]string{`app.conf:2: NUL byte in the line: a config file is text; is app.conf the file you meant?`}},
		{"binary file", "\x7fELF\x02\x01\x01\x00\x00\x00[\n",
			[]string{`app.conf:1: NUL byte in the line: a config file is text; is app.conf the file you meant?`}},
	})
}

// Unknown keys are warnings, as the README says: supervisord ignores them
// silently, and rejecting them would refuse configs supervisord runs
// (keys of newer or patched supervisords). The warning has the position,
// the key and the nearest known key.
func TestBadInputUnknownKeys(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"[program:a]\ncommand=a\nautorestat=true\n", `app.conf:3: autorestat: unknown key, did you mean "autorestart"?`},
		{"[program:a]\ncommand=a\nstartsec=1\n", `app.conf:3: startsec: unknown key, did you mean "startsecs"?`},
		{"[program:a]\ncommand=a\ndepend_on=b\n[program:b]\ncommand=b\n", `app.conf:3: depend_on: unknown key, did you mean "depends_on"?`},
		{"[unix_http_server]\nfile=/s\nchmode=0700\n", `app.conf:3: chmode: unknown key, did you mean "chmod"?`},
	} {
		c, warns, err := parse(tt.text, nil)
		if err != nil || c == nil {
			t.Errorf("%q: %v", tt.text, err)
		}
		if w := warnLines(warns); !containsLine(w, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, w, tt.want)
		}
	}
}

func TestBadInputWrongTypes(t *testing.T) {
	prog := "[program:a]\ncommand=a\n"
	checkBad(t, []badConfig{
		{"startsecs=abc", prog + "startsecs=abc\n",
			[]string{`app.conf:3: startsecs: want a whole number of seconds, 0 or more, got "abc"`}},
		{"autorestart=maybe", prog + "autorestart=maybe\n",
			[]string{`app.conf:3: autorestart: want true, false or unexpected, got "maybe"`}},
		{"negative numbers", prog + "startretries=-1\nnumprocs=-3\nstopwaitsecs=-5\nbackoff_max=-1s\nhealthcheck_tcp=:1\nhealthcheck_retries=-2\n",
			[]string{
				`app.conf:3: startretries: want an integer of 0 or more, got "-1"`,
				`app.conf:4: numprocs: want an integer from 1 to 10000, got "-3"`,
				`app.conf:5: stopwaitsecs: want a whole number of seconds, 0 or more, got "-5"`,
				`app.conf:6: backoff_max: want seconds or a duration like 500ms or 1m30s, 0 or more, got "-1s"`,
				`app.conf:8: healthcheck_retries: want an integer of 1 or more, got "-2"`,
			}},
		{"huge numbers", prog + "priority=99999999999999999999\nnumprocs=10001\nstdout_logfile_maxbytes=9999999999GB\n",
			[]string{
				`app.conf:3: priority: want an integer, got "99999999999999999999"`,
				`app.conf:4: numprocs: want an integer from 1 to 10000, got "10001"`,
				`app.conf:5: stdout_logfile_maxbytes: want a size in bytes like 50MB, 1KB or 0, got "9999999999GB"`,
			}},
		{"enums", prog + "backoff=fast\nready=now\n",
			[]string{
				`app.conf:3: backoff: want linear or exponential, got "fast"`,
				`app.conf:4: ready: want startsecs, healthcheck or notify, got "now"`,
			}},
	})
}

func TestBadInputEmptyCommand(t *testing.T) {
	checkBad(t, []badConfig{
		{"no command key", "[program:a]\nautostart=false\n", []string{"app.conf:1: [program:a] has no command= setting"}},
		{"command=", "[program:a]\ncommand=\n", []string{"app.conf:2: command: empty command"}},
		{"only a comment", "[program:a]\ncommand= ; nothing\n", []string{"app.conf:2: command: empty command"}},
		// shlex gives [""] for these: exec would have nothing to run.
		{`command=""`, "[program:a]\ncommand=\"\"\n", []string{`app.conf:2: command: empty program name in "\"\"": the first word is the program to run`}},
		{`command='' -v`, "[program:a]\ncommand='' -v\n", []string{`app.conf:2: command: empty program name in "'' -v": the first word is the program to run`}},
		{`healthcheck_command=""`, "[program:a]\ncommand=a\nhealthcheck_command=\"\"\n",
			[]string{`app.conf:3: healthcheck_command: empty program name in "\"\"": the first word is the program to run`}},
	})
	_, _, err := parse("[program:a]\ncommand=%(ENV_NOTHING)s\n", map[string]string{"NOTHING": ""})
	if got := errLines(t, err); !reflect.DeepEqual(got, []string{"app.conf:2: command: empty command"}) {
		t.Errorf("command expanding to nothing: %q", got)
	}
	_, _, err = Load("", LoadOptions{Env: map[string]string{"VIGIL_PROGRAM_web": `""`}})
	if got := errLines(t, err); !reflect.DeepEqual(got, []string{`env VIGIL_PROGRAM_web: command: empty program name in "\"\"": the first word is the program to run`}) {
		t.Errorf("env program with an empty program name: %q", got)
	}
}

// An included file cannot include, so [include] cannot loop: a file that
// points back at the main file is refused where it says so. The main file
// matching its own glob is TestIncludeSelf's.
func TestBadInputIncludeCycle(t *testing.T) {
	c, err := loadFiles(t, map[string]string{
		"main.conf":     "[include]\nfiles=conf.d/*.conf\n[program:a]\ncommand=a\n",
		"conf.d/b.conf": "[program:b]\ncommand=b\n[include]\nfiles=../main.conf\n",
	})
	want := []string{"conf.d/b.conf:3: an included file cannot contain [include]: supervisord reads [include] only in the main file"}
	if got := errLines(t, err); c != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestBadInputDependencyCycle(t *testing.T) {
	prog := func(name, deps string) string {
		return "[program:" + name + "]\ncommand=" + name + "\ndepends_on=" + deps + "\n"
	}
	checkBad(t, []badConfig{
		{"self", prog("a", "a"), []string{"app.conf:3: depends_on: dependency cycle a -> a"}},
		{"three", prog("a", "b") + prog("b", "c") + prog("c", "a"),
			[]string{"app.conf:3: depends_on: dependency cycle a -> b -> c -> a"}},
		{"through a group member", "[group:g]\nprograms=b\n" + prog("a", "g:b") + prog("b", "a"),
			[]string{"app.conf:5: depends_on: dependency cycle a -> b -> a"}},
	})
}

func TestBadInputSignalName(t *testing.T) {
	checkBad(t, []badConfig{
		{"TERMM", "[program:a]\ncommand=a\nstopsignal=TERMM\n",
			[]string{`app.conf:3: stopsignal: unknown signal "TERMM": want a name like TERM, HUP, USR1, RTMIN+2 or a number`}},
		{"out of range", "[program:a]\ncommand=a\nstopsignal=65\n",
			[]string{`app.conf:3: stopsignal: signal 65 out of range: want 1 to 64`}},
		{"empty", "[program:a]\ncommand=a\nstopsignal=\n",
			[]string{`app.conf:3: stopsignal: empty signal: want a name like TERM or a number from 1 to 64`}},
	})
}

// Names end up in paths (notify sockets), URLs and log prefixes, so the
// ones that could leave a directory or a URL segment are refused. Log file
// paths are paths: ".." in them is the user's business.
func TestBadInputPathTricks(t *testing.T) {
	checkBad(t, []badConfig{
		{"../x", "[program:../x]\ncommand=x\n", []string{`app.conf:1: bad program name "../x": a name cannot contain /`}},
		{"..", "[program:..]\ncommand=x\n", []string{`app.conf:1: bad program name "..": a name cannot be . or ..`}},
		{"a/b", "[program:a/b]\ncommand=x\n", []string{`app.conf:1: bad program name "a/b": a name cannot contain /`}},
		{"space", "[program:a b]\ncommand=x\n", []string{`app.conf:1: bad program name "a b": a name cannot contain whitespace`}},
		{"control", "[program:a\x1bb]\ncommand=x\n", []string{`app.conf:1: bad program name "a\x1bb": a name cannot contain control characters`}},
		{"empty", "[program:]\ncommand=x\n", []string{`app.conf:1: bad program name "": a name cannot be empty`}},
		{"process_name", "[program:a]\ncommand=x\nprocess_name=%(program_name)s/..\n",
			[]string{`app.conf:3: process_name: bad process name "a/..": a name cannot contain /`}},
		{"group", "[group:../g]\nprograms=a\n[program:a]\ncommand=x\n", []string{`app.conf:1: bad group name "../g": a name cannot contain /`}},
	})
	c := mustParse(t, "[program:a]\ncommand=x\nstdout_logfile=../logs/a.log\nstderr_logfile=NONE\n", nil)
	if got := one(t, c).Stdout.File; got != "../logs/a.log" {
		t.Errorf("stdout_logfile = %q", got)
	}
	_, _, err := Load("", LoadOptions{Env: map[string]string{"VIGIL_PROGRAM_..": "x"}})
	if got := errLines(t, err); len(got) != 1 || !strings.Contains(got[0], `bad program name ".."`) {
		t.Errorf("env program named ..: %q", got)
	}
}

func TestBadInputEnvFileNUL(t *testing.T) {
	_, err := parseEnvFile("app.env", []byte("A=1\nB=x\x00y\n"))
	if err == nil || err.Error() != "app.env:2: NUL byte in the line: no environment variable can hold one" {
		t.Errorf("got %v", err)
	}
}

// An empty password would let in anyone who sends the username without
// one; an empty username would turn authentication off unnoticed.
func TestBadInputEmptyCredentials(t *testing.T) {
	checkBad(t, []badConfig{
		{"empty password", "[inet_http_server]\nport=9001\nusername=admin\npassword=\n",
			[]string{"app.conf:4: password: empty: give a password, or remove username and password both"}},
		{"empty username", "[inet_http_server]\nport=9001\nusername=\npassword=secret\n",
			[]string{"app.conf:3: username: empty: give a username, or remove username and password both"}},
		{"unix socket", "[unix_http_server]\nfile=/s\nusername=admin\npassword= ; none\n",
			[]string{"app.conf:4: password: empty: give a password, or remove username and password both"}},
	})
	_, _, err := parse("[inet_http_server]\nport=9001\nusername=admin\npassword=%(ENV_PASS)s\n", map[string]string{"PASS": ""})
	if got := errLines(t, err); !reflect.DeepEqual(got, []string{"app.conf:4: password: empty: give a password, or remove username and password both"}) {
		t.Errorf("password from an empty variable: %q", got)
	}
}
