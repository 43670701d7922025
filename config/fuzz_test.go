package config

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, that a
// successful load always comes with a config and a failed one without, and
// that every error and warning is one line that says where.
func FuzzParse(f *testing.F) {
	f.Add(Sample(), "")
	f.Add("[program:w]\ncommand=%(process_num)02d\nnumprocs=2\nprocess_name=%(program_name)s%(process_num)d\n", "x")
	f.Add("[program:a]\ncommand=a\ndepends_on=b\n[program:b]\ncommand=b\ndepends_on=a\n", "")
	f.Add("[supervisord]\nenvironment=A=\"1\",B='x,y'\n[group:g]\nprograms=a\n", "%(")
	if data, err := os.ReadFile("testdata/echo_supervisord_conf.conf"); err == nil {
		f.Add(string(data), "")
	}
	f.Fuzz(func(t *testing.T, text, envValue string) {
		env := map[string]string{"VIGIL_PROGRAM_f": envValue, "VIGIL_PROGRAM_f__NUMPROCS": envValue, "HOME": envValue}
		c, warns, err := Parse("fuzz.conf", []byte(text), LoadOptions{Env: env})
		if (c == nil) == (err == nil) {
			t.Fatalf("config %v with error %v", c, err)
		}
		checkDiagnostics(t, err, warns, env)
		if c != nil {
			c.Processes()
		}
	})
}

func FuzzReadEnvFile(f *testing.F) {
	f.Add("A=1\nB=\"x\ny\"\n")
	f.Add("A=1\nbad line\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := parseEnvFile("f.env", []byte(text))
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Pos.Line < 1 {
				t.Fatalf("error %v without a line", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error of more than one line: %q", err)
			}
		} else if m == nil {
			t.Fatal("nil map without error")
		}
	})
}

// FuzzEnvPrograms feeds VIGIL_PROGRAM_* variables, with or without an INI
// file under them. env holds "NAME=value" entries separated by NUL, as in
// /proc/PID/environ; VIGIL_PROGRAM_ is put before each NAME. It checks that
// a load has a config or errors, never both; that every error and warning
// is one line that says where (the variable, or the file and line); that
// a load is deterministic; and that what loaded holds what the variables
// say: each program they define exists, with their command and priority.
func FuzzEnvPrograms(f *testing.F) {
	f.Add("web=nginx -g 'daemon off;'\x00web__AUTORESTART=false\x00web__PRIORITY=5", "")
	f.Add("web__STDOUT_LOGFILE=NONE\x00web__stderr_logfile=NONE", "[program:web]\ncommand=/bin/web\npriority=1\n")
	f.Add("w=/bin/w %(process_num)d\x00w__NUMPROCS=3\x00w__PROCESS_NAME=%(program_name)s_%(process_num)d", "")
	f.Add("a=x\x00a__=y\x00a__COMMAND=z\x00b@c=x\x00..=y\x00=z", "[group:g]\nprograms=a\n")
	f.Add("x=\x00y='unterminated\x00z=%(ENV_NOPE)s\x00q__DEPENDS_ON=x\x00q=true", "")
	f.Fuzz(func(t *testing.T, env, ini string) {
		vars := map[string]string{"HOME": "/home/fuzz", "PATH": "/bin"}
		for _, kv := range strings.Split(env, "\x00") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				vars[EnvProgramPrefix+k] = v
			}
		}
		opts := LoadOptions{Env: vars, Hostname: "fuzz"}
		c, warns, err := Parse("fuzz.conf", []byte(ini), opts)
		if (c == nil) == (err == nil) {
			t.Fatalf("config %v with error %v", c, err)
		}
		checkDiagnostics(t, err, warns, vars)
		_, warns2, err2 := Parse("fuzz.conf", []byte(ini), opts)
		if fmt.Sprint(err) != fmt.Sprint(err2) || fmt.Sprint(warns) != fmt.Sprint(warns2) {
			t.Fatalf("two loads differ:\n%v\n%v", err, err2)
		}
		if c != nil {
			checkEnvApplied(t, c, vars)
		}
	})
}

// checkDiagnostics checks that every error and warning is one line and is
// positioned at the file, with a line when it concerns one, or at one of
// the variables given.
func checkDiagnostics(t *testing.T, err error, warns []Warning, vars map[string]string) {
	t.Helper()
	check := func(pos Pos, text string) {
		if strings.ContainsAny(text, "\n\r") {
			t.Fatalf("message of more than one line: %q", text)
		}
		switch {
		case pos.Var != "":
			if _, ok := vars[pos.Var]; !ok || !strings.HasPrefix(text, pos.String()+": ") {
				t.Fatalf("message %q positioned at %q, which is not a variable given", text, pos.Var)
			}
		case pos.File == "" || !strings.HasPrefix(text, pos.String()+": "):
			t.Fatalf("message %q without a position", text)
		}
	}
	for _, w := range warns {
		check(w.Pos, w.String())
	}
	for _, e := range errorList(t, err) {
		check(e.Pos, e.Error())
	}
}

// checkEnvApplied checks that a loaded config has every program the
// variables define, with a command and priority taken from them when they
// set one: a variable wins over the file.
func checkEnvApplied(t *testing.T, c *Config, vars map[string]string) {
	t.Helper()
	for k, v := range vars {
		rest, ok := strings.CutPrefix(k, EnvProgramPrefix)
		if !ok {
			continue
		}
		name, key, hasKey := strings.Cut(rest, "__")
		key = strings.ToLower(key)
		var procs []*Process
		for _, p := range c.Processes() {
			if p.Program == name {
				procs = append(procs, p)
			}
		}
		if len(procs) == 0 {
			t.Fatalf("%s is set but program %q is missing", k, name)
		}
		v = strings.TrimSpace(v)
		for _, p := range procs {
			if (!hasKey || key == "command") && !strings.Contains(v, "%") && p.CommandLine != v {
				t.Fatalf("%s=%q but %s has command %q", k, v, p.Name, p.CommandLine)
			}
			if n, err := strconv.Atoi(v); hasKey && key == "priority" && err == nil && p.Priority != n {
				t.Fatalf("%s=%q but %s has priority %d", k, v, p.Name, p.Priority)
			}
		}
	}
}

// FuzzParseSignal checks ParseSignal against the grammar it documents
// (a number, or a name with or without SIG in any case, RTMIN+N or
// RTMAX-N, with spaces around), that everything it accepts names the same
// signal again in canonical form (SignalName round trips, also lowercased,
// with SIG and as a number), and that its errors are one line. n checks
// SignalName on any number.
func FuzzParseSignal(f *testing.F) {
	for _, s := range []string{"15", "TERM", "sigterm", " SIGHUP ", "RTMIN", "SIGRTMIN+3", "rtmax-1",
		"0x0f", "SIGRTMAX", "", "SIG", "IOT", "POLL", "CLD", "65"} {
		f.Add(s, 15)
	}
	f.Add("x", -1)
	f.Add("x", 1<<40)
	f.Fuzz(func(t *testing.T, s string, n int) {
		sig, err := ParseSignal(s)
		if err != nil {
			if sig != 0 || err.Error() == "" || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("ParseSignal(%q) = %d, %q", s, sig, err)
			}
		} else {
			if !signalGrammar.MatchString(s) {
				t.Fatalf("ParseSignal(%q) = %d: accepted outside the grammar", s, sig)
			}
			checkCanonical(t, sig)
		}
		name := SignalName(syscall.Signal(n))
		if n >= 1 && n <= SigRTMax {
			checkCanonical(t, syscall.Signal(n))
		} else if name != strconv.Itoa(n) {
			t.Fatalf("SignalName(%d) = %q, want the number", n, name)
		}
	})
}

// signalGrammar is what ParseSignal documents, before the name is looked
// up: the names themselves are the C library's.
var signalGrammar = regexp.MustCompile(`^[ \t\n\v\f\r]*(\+?[0-9]+|(?i:(SIG)?([A-Z][A-Z0-9]*|RTMIN\+[0-9]+|RTMAX-[0-9]+)))[ \t\n\v\f\r]*$`)

// checkCanonical checks that sig's canonical name, and its other
// spellings, parse back to sig.
func checkCanonical(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if sig < 1 || sig > SigRTMax {
		t.Fatalf("signal %d out of range", sig)
	}
	name := SignalName(sig)
	spellings := []string{name, strings.ToLower(name), strconv.Itoa(int(sig))}
	if _, err := strconv.Atoi(name); err != nil {
		spellings = append(spellings, "SIG"+name) // 32 and 33 have no name
	}
	for _, s := range spellings {
		if got, err := ParseSignal(s); err != nil || got != sig {
			t.Fatalf("signal %d: %q parses to %d, %v", sig, s, got, err)
		}
	}
}
