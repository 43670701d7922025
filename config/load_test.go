package config

import (
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestProgramDefaults(t *testing.T) {
	c := mustParse(t, "[program:web]\ncommand=/bin/web\nstdout_logfile=/dev/stdout\nstderr_logfile=NONE\n", nil)
	p := one(t, c)
	tests := []struct {
		name      string
		got, want any
	}{
		{"Name", p.Name, "web"},
		{"Group", p.Group, "web"},
		{"Program", p.Program, "web"},
		{"ProcessNum", p.ProcessNum, 0},
		{"NumProcs", p.NumProcs, 1},
		{"Command", p.Command, []string{"/bin/web"}},
		{"Priority", p.Priority, 999},
		{"AutoStart", p.AutoStart, true},
		{"StartSecs", p.StartSecs, time.Second},
		{"StartRetries", p.StartRetries, 3},
		{"AutoRestart", p.AutoRestart, RestartUnexpected},
		{"ExitCodes", p.ExitCodes, []int{0}},
		{"StopSignal", p.StopSignal, syscall.SIGTERM},
		{"StopWait", p.StopWait, 10 * time.Second},
		{"StopAsGroup", p.StopAsGroup, false},
		{"KillAsGroup", p.KillAsGroup, false},
		{"User", p.User, ""},
		{"Directory", p.Directory, ""},
		{"Umask", p.Umask, -1},
		{"Environment", len(p.Environment), 0},
		{"ServerURL", p.ServerURL, ""},
		{"RedirectStderr", p.RedirectStderr, false},
		{"Stdout", p.Stdout, LogSpec{File: "/dev/stdout", MaxBytes: 50 << 20, Backups: 10}},
		{"Stderr", p.Stderr, LogSpec{File: "", MaxBytes: 50 << 20, Backups: 10}},
		{"EnvFiles", len(p.EnvFiles), 0},
		{"LogPrefix", p.LogPrefix, true},
		{"Critical", p.Critical, false},
		{"RestartDelay", p.RestartDelay, time.Duration(0)},
		{"Backoff", p.Backoff, BackoffLinear},
		{"BackoffMax", p.BackoffMax, 60 * time.Second},
		{"DependsOn", len(p.DependsOn), 0},
		{"Ready", p.Ready, ReadyStartsecs},
		{"WatchdogTimeout", p.WatchdogTimeout, time.Duration(0)},
		{"Health", p.Health, (*HealthCheck)(nil)},
		{"Pos", p.Pos, Pos{File: "app.conf", Line: 1}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLogDefaultIsAuto(t *testing.T) {
	c := mustParse(t, "[program:web]\ncommand=x\n", nil)
	if p := one(t, c); p.Stdout.File != "AUTO" || p.Stderr.File != "AUTO" {
		t.Errorf("logfiles = %q, %q; want AUTO, AUTO", p.Stdout.File, p.Stderr.File)
	}
}

func TestSupervisordDefaults(t *testing.T) {
	for _, text := range []string{"", "[supervisord]\n"} {
		c := mustParse(t, text, map[string]string{"TMPDIR": "/var/tmp"})
		want := Supervisord{
			Logfile: "supervisord.log", LogfileMaxBytes: 50 << 20, LogfileBackups: 10, Loglevel: "info",
			Umask: -1, Minfds: 1024, Minprocs: 200, Identifier: "supervisor", Pidfile: "supervisord.pid",
			ChildLogDir: "/var/tmp",
		}
		if text != "" {
			want.Pos = Pos{File: "app.conf", Line: 1}
		}
		if !reflect.DeepEqual(c.Supervisord, want) {
			t.Errorf("%q: got %+v\nwant %+v", text, c.Supervisord, want)
		}
		if c.Unix != nil || c.Inet != nil || c.Ctl != nil {
			t.Errorf("%q: absent sections should be nil", text)
		}
	}
}

func TestSupervisordKeys(t *testing.T) {
	c := mustParse(t, `[supervisord]
logfile=%(here)s/main.log
logfile_maxbytes=1KB
logfile_backups=2
loglevel=DEBUG
pidfile=/run/s.pid
nodaemon=true
silent=true
minfds=10
minprocs=20
nocleanup=yes
childlogdir=/logs
user=nobody
directory=/srv
strip_ansi=on
environment=A="1",B=%(ENV_HOME)s
identifier=box-%(host_node_name)s
umask=027
env_file=a.env, /etc/b.env
`, map[string]string{"HOME": "/root"})
	s := c.Supervisord
	here := absDir("app.conf")
	want := Supervisord{
		Pos: Pos{File: "app.conf", Line: 1}, Environment: []EnvVar{{"A", "1"}, {"B", "/root"}},
		Logfile: here + "/main.log", LogfileMaxBytes: 1024, LogfileBackups: 2, Loglevel: "debug",
		User: "nobody", Directory: "/srv", Umask: 0o27, Minfds: 10, Minprocs: 20, Nodaemon: true,
		Silent: true, NoCleanup: true, StripANSI: true, Identifier: "box-box", Pidfile: "/run/s.pid",
		ChildLogDir: "/logs", EnvFiles: []string{here + "/a.env", "/etc/b.env"},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

func TestEveryProgramKey(t *testing.T) {
	c := mustParse(t, `[supervisord]
environment=GLOBAL=g

[program:web]
command=/bin/web --name "%(program_name)s %(process_num)d" %(ENV_GLOBAL)s %(ENV_LOCAL)s
process_name=%(program_name)s-%(process_num)02d
numprocs=2
numprocs_start=3
priority=-5
autostart=false
startsecs=0
startretries=9
autorestart=true
exitcodes=0,2,255
stopsignal=SIGQUIT
stopwaitsecs=30
stopasgroup=true
killasgroup=true
user=www-data
redirect_stderr=false
stdout_logfile=/var/log/%(program_name)s-%(process_num)d.out
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=5
stdout_capture_maxbytes=2KB
stdout_events_enabled=true
stdout_syslog=true
stderr_logfile=/var/log/%(group_name)s.err
stderr_logfile_maxbytes=0
stderr_logfile_backups=0
stderr_capture_maxbytes=1gb
stderr_events_enabled=yes
stderr_syslog=on
environment=LOCAL="l,1",NUM=%(process_num)d
directory=/srv/%(process_num)d
umask=002
serverurl=http://127.0.0.1:9001
`, nil)
	ps := c.Processes()
	if len(ps) != 2 {
		t.Fatalf("got %d processes, want 2", len(ps))
	}
	p := ps[1]
	want := &Process{
		Name: "web-04", Group: "web", Program: "web", ProcessNum: 4, NumProcs: 2, Pos: Pos{File: "app.conf", Line: 4},
		Command:     []string{"/bin/web", "--name", "web 4", "g", "l,1"},
		CommandLine: `/bin/web --name "web 4" g l,1`,
		Priority:    -5, AutoStart: false, StartSecs: 0, StartRetries: 9, AutoRestart: RestartAlways,
		ExitCodes: []int{0, 2, 255}, StopSignal: syscall.SIGQUIT, StopWait: 30 * time.Second,
		StopAsGroup: true, KillAsGroup: true, User: "www-data", Directory: "/srv/4", Umask: 0o2,
		Environment: []EnvVar{{"LOCAL", "l,1"}, {"NUM", "4"}}, ServerURL: "http://127.0.0.1:9001",
		Stdout:    LogSpec{File: "/var/log/web-4.out", MaxBytes: 1 << 20, Backups: 5, CaptureMaxBytes: 2048, EventsEnabled: true, Syslog: true},
		Stderr:    LogSpec{File: "/var/log/web.err", MaxBytes: 0, Backups: 0, CaptureMaxBytes: 1 << 30, EventsEnabled: true, Syslog: true},
		LogPrefix: true, BackoffMax: 60 * time.Second,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if ps[0].Name != "web-03" || ps[0].Command[2] != "web 3" {
		t.Errorf("first process = %q %q", ps[0].Name, ps[0].Command)
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		key, value string
		check      func(p *Process) any
		want       any
	}{
		{"autostart", "no", func(p *Process) any { return p.AutoStart }, false},
		{"autostart", "On", func(p *Process) any { return p.AutoStart }, true},
		{"autostart", "1", func(p *Process) any { return p.AutoStart }, true},
		{"autorestart", "unexpected", func(p *Process) any { return p.AutoRestart }, RestartUnexpected},
		{"autorestart", "off", func(p *Process) any { return p.AutoRestart }, RestartNever},
		{"autorestart", "YES", func(p *Process) any { return p.AutoRestart }, RestartAlways},
		{"exitcodes", "", func(p *Process) any { return p.ExitCodes }, []int{}},
		{"exitcodes", " 1 , 2", func(p *Process) any { return p.ExitCodes }, []int{1, 2}},
		{"stopsignal", "usr1", func(p *Process) any { return p.StopSignal }, syscall.SIGUSR1},
		{"stopsignal", "9", func(p *Process) any { return p.StopSignal }, syscall.SIGKILL},
		{"stopsignal", "RTMIN+1", func(p *Process) any { return p.StopSignal }, syscall.Signal(35)},
		{"stopasgroup", "true", func(p *Process) any { return p.KillAsGroup }, true},
		{"umask", "0o77", func(p *Process) any { return p.Umask }, 0o77},
		{"umask", "0", func(p *Process) any { return p.Umask }, 0},
		{"priority", "1_000", func(p *Process) any { return p.Priority }, 1000},
		{"stdout_logfile_maxbytes", "0", func(p *Process) any { return p.Stdout.MaxBytes }, int64(0)},
		{"stdout_logfile_maxbytes", "50 MB", func(p *Process) any { return p.Stdout.MaxBytes }, int64(50 << 20)},
		{"stdout_logfile_maxbytes", "123", func(p *Process) any { return p.Stdout.MaxBytes }, int64(123)},
		{"stdout_logfile", "none", func(p *Process) any { return p.Stdout.File }, ""},
		{"stdout_logfile", "OFF", func(p *Process) any { return p.Stdout.File }, ""},
		{"stdout_logfile", "auto", func(p *Process) any { return p.Stdout.File }, "AUTO"},
		{"stdout_logfile", "~/out.log", func(p *Process) any { return p.Stdout.File }, "/home/me/out.log"},
		{"serverurl", "AUTO", func(p *Process) any { return p.ServerURL }, ""},
		{"serverurl", "unix:///tmp/s.sock", func(p *Process) any { return p.ServerURL }, "unix:///tmp/s.sock"},
		{"command", `sh -c 'echo "a b"'`, func(p *Process) any { return p.Command }, []string{"sh", "-c", `echo "a b"`}},
		{"command", "a\n  b", func(p *Process) any { return p.Command }, []string{"a", "b"}},
		{"directory", "%(here)s", func(p *Process) any { return p.Directory }, absDir("app.conf")},
		{"process_name", "w%(process_num)s", func(p *Process) any { return p.Name }, "w0"},
		{"environment", `A="x y",B='2',C=3`, func(p *Process) any { return p.Environment }, []EnvVar{{"A", "x y"}, {"B", "2"}, {"C", "3"}}},
		{"environment", "A=1,B=2,A=3", func(p *Process) any { return p.Environment }, []EnvVar{{"A", "3"}, {"B", "2"}}},
		{"environment", "PATH=/usr/bin:/bin", func(p *Process) any { return p.Environment }, []EnvVar{{"PATH", "/usr/bin:/bin"}}},
	}
	for _, tt := range tests {
		text := "[program:w]\n"
		for _, k := range []string{"command=x", "stdout_logfile=NONE", "stderr_logfile=NONE"} {
			if !strings.HasPrefix(k, tt.key+"=") {
				text += k + "\n"
			}
		}
		text += tt.key + "=" + tt.value + "\n"
		c := mustParse(t, text, map[string]string{"HOME": "/home/me"})
		if got := tt.check(one(t, c)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s=%s: got %#v, want %#v", tt.key, tt.value, got, tt.want)
		}
	}
}

// TestErrorMessages pins the exact text of each kind of error: file, line,
// key and what was wanted.
func TestErrorMessages(t *testing.T) {
	tests := []struct{ body, want string }{
		{"autorestart=maybe", `app.conf:3: autorestart: want true, false or unexpected, got "maybe"`},
		{"autostart=sure", `app.conf:3: autostart: want true or false (or yes/no, on/off, 1/0), got "sure"`},
		{"priority=high", `app.conf:3: priority: want an integer, got "high"`},
		{"startsecs=-1", `app.conf:3: startsecs: want a whole number of seconds, 0 or more, got "-1"`},
		{"startsecs=1.5", `app.conf:3: startsecs: want a whole number of seconds, 0 or more, got "1.5"`},
		{"startretries=-2", `app.conf:3: startretries: want an integer of 0 or more, got "-2"`},
		{"stopwaitsecs=ten", `app.conf:3: stopwaitsecs: want a whole number of seconds, 0 or more, got "ten"`},
		{"numprocs=0", `app.conf:3: numprocs: want an integer from 1 to 10000, got "0"`},
		{"numprocs_start=-1", `app.conf:3: numprocs_start: want an integer of 0 or more, got "-1"`},
		{"exitcodes=0,256", `app.conf:3: exitcodes: want exit codes from 0 to 255 separated by commas, got "0,256"`},
		{"exitcodes=a", `app.conf:3: exitcodes: want exit codes from 0 to 255 separated by commas, got "a"`},
		{"stopsignal=BOGUS", `app.conf:3: stopsignal: unknown signal "BOGUS": want a name like TERM, HUP, USR1, RTMIN+2 or a number`},
		{"umask=8", `app.conf:3: umask: want an octal number from 0 to 0777 like 022, got "8"`},
		{"umask=1777", `app.conf:3: umask: want an octal number from 0 to 0777 like 022, got "1777"`},
		{"stdout_logfile_maxbytes=1TB", `app.conf:3: stdout_logfile_maxbytes: want a size in bytes like 50MB, 1KB or 0, got "1TB"`},
		{"stderr_logfile_maxbytes=-1MB", `app.conf:3: stderr_logfile_maxbytes: want a size in bytes like 50MB, 1KB or 0, got "-1MB"`},
		{"stdout_logfile_backups=x", `app.conf:3: stdout_logfile_backups: want an integer of 0 or more, got "x"`},
		{"stdout_events_enabled=2", `app.conf:3: stdout_events_enabled: want true or false (or yes/no, on/off, 1/0), got "2"`},
		{"stopasgroup=true\nkillasgroup=false", `app.conf:4: killasgroup: cannot be false when stopasgroup is true: the final SIGKILL must reach the group the stop signal went to`},
		{"environment=A=", `app.conf:3: environment: unexpected end of key/value pairs in "A=": want KEY=value,KEY2="value 2"`},
		{"environment=A=\"x", `app.conf:3: environment: no closing quotation in "A=\"x"`},
		{"numprocs=2", `app.conf:3: process_name: must contain %(process_num) when numprocs > 1 (numprocs=2), e.g. %(program_name)s_%(process_num)02d`},
		{"process_name=a/b", `app.conf:3: process_name: bad process name "a/b": a name cannot contain /`},
		{"process_name=..", `app.conf:3: process_name: bad process name "..": a name cannot be . or ..`},
		{"directory=%(nope)s", `app.conf:3: directory: %(nope)s: unknown name "nope"; known names: ENV_<variable>, group_name, here, host_node_name, numprocs, process_num, program_name`},
		{"user=%(ENV_NOBODY)s", `app.conf:3: user: %(ENV_NOBODY)s: environment variable NOBODY is not set`},
		{"directory=%(process_num)", `app.conf:3: directory: bad format "%(process_num)": incomplete format`},
		{"directory=%(program_name)d", `app.conf:3: directory: %(program_name)d: a number is required, not a string`},
		{"directory=50%", `app.conf:3: directory: bad % at "%": write %(name)s to expand a name or %% for a literal %`},
	}
	for _, tt := range tests {
		_, _, err := parse("[program:w]\ncommand=x\n"+tt.body+"\n", nil)
		lines := errLines(t, err)
		if len(lines) != 1 || lines[0] != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.body, lines, tt.want)
		}
	}
}

func TestSectionErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"[program:w]\n", "app.conf:1: [program:w] has no command= setting"},
		{"[program:w]\ncommand=\n", "app.conf:2: command: empty command"},
		{"[program:w]\ncommand=  \n", "app.conf:2: command: empty command"},
		{"[program:w]\ncommand='x\n", `app.conf:2: command: cannot split "'x": no closing quotation`},
		{"[program:w]\ncommand=x\\\n", `app.conf:2: command: cannot split "x\\": no escaped character after the final backslash`},
		{"[program:a b]\ncommand=x\n", `app.conf:1: bad program name "a b": a name cannot contain whitespace`},
		{"[program:a:b]\ncommand=x\n", `app.conf:1: bad program name "a:b": a name cannot contain :`},
		{"[program:..]\ncommand=x\n", `app.conf:1: bad program name "..": a name cannot be . or ..`},
		{"[program:a]\ncommand=x\n[program: a]\ncommand=y\n", `app.conf:3: program "a" is defined twice, first at app.conf:1`},
		{"[program:a]\ncommand=x\n[program:a]\n", `app.conf:3: duplicate section [program:a], first at app.conf:1`},
		{"[program:a]\ncommand=x\ncommand=y\n", `app.conf:3: command: duplicate key in [program:a], first at app.conf:2`},
		{"command=x\n[program:a]\ncommand=x\n", `app.conf:1: "command=x" is outside any section: the file must start with a [section] header`},
		{"[program:a]\ncommand=x\njunk\n", `app.conf:3: want key=value or key: value, got "junk"`},
		{"[program:a]\ncommand=x\n=y\n", `app.conf:3: missing key before "="`},
		{"[]\n", `app.conf:1: bad section header "[]": want [name]`},
		{"[group:g]\nprograms=a,nope\n[program:a]\ncommand=x\n", `app.conf:2: programs: [group:g] names unknown program "nope"`},
		{"[group:g]\nprograms=web,wbe\n[program:web]\ncommand=x\n", `app.conf:2: programs: [group:g] names unknown program "wbe", did you mean "web"?`},
		{"[group:g]\nprograms=a\n[group:h]\nprograms=a\n[program:a]\ncommand=x\n", `app.conf:4: programs: program "a" is already in group "g": a program can be in one group only`},
		{"[group:g]\nprograms=a,a\n[program:a]\ncommand=x\n", `app.conf:2: programs: program "a" is listed twice`},
		{"[group:g]\npriority=x\n", `app.conf:2: priority: want an integer, got "x"`},
		{"[group:a/b]\n", `app.conf:1: bad group name "a/b": a name cannot contain /`},
		{"[group:a]\nprograms=b\n[program:b]\ncommand=x\n[program:a]\ncommand=y\n", `app.conf:5: group name "a" is also used at app.conf:1`},
		{"[program:a]\ncommand=x\n[program:b]\ncommand=y\nprocess_name=a\n", `app.conf:3: process_name: process name "a" is also used by the process defined at app.conf:1`},
		{"[unix_http_server]\nchmod=0700\n", "app.conf:1: [unix_http_server] has no file= setting"},
		{"[unix_http_server]\nfile=/s\nchmod=999\n", `app.conf:3: chmod: want an octal number from 0 to 07777 like 022, got "999"`},
		{"[unix_http_server]\nfile=/s\nusername=u\n", "app.conf:1: [unix_http_server] sets only one of username and password: give both or neither"},
		{"[inet_http_server]\n", "app.conf:1: [inet_http_server] has no port= setting"},
		{"[inet_http_server]\nport=127.0.0.1:99999\n", `app.conf:2: port: want host:port or a port from 1 to 65535 like 127.0.0.1:9001, got "127.0.0.1:99999"`},
		{"[inet_http_server]\nport=localhost:\n", `app.conf:2: port: want host:port or a port from 1 to 65535 like 127.0.0.1:9001, got "localhost:"`},
		{"[inet_http_server]\nport=9001\npassword=p\n", "app.conf:1: [inet_http_server] sets only one of username and password: give both or neither"},
		{"[supervisorctl]\nserverurl=nope\n", `app.conf:2: serverurl: want a URL like unix:///run/supervisor.sock or http://localhost:9001, got "nope"`},
		{"[supervisord]\nloglevel=loud\n", `app.conf:2: loglevel: want one of critical, error, warn, info, debug, trace, blather, got "loud"`},
		{"[supervisord]\nminfds=many\n", `app.conf:2: minfds: want an integer, got "many"`},
		{"[supervisord]\nenvironment=A\n", `app.conf:2: environment: unexpected end of key/value pairs in "A": want KEY=value,KEY2="value 2"`},
		{"[include]\n", "app.conf:1: [include] has no files= setting"},
		{"[DEFAULT]\n[DEFAULT]\n", "app.conf:2: duplicate section [DEFAULT], first at app.conf:1"},
	}
	for _, tt := range tests {
		_, _, err := parse(tt.text, nil)
		lines := errLines(t, err)
		if len(lines) != 1 || lines[0] != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, lines, tt.want)
		}
	}
}

func TestAllErrorsAtOnce(t *testing.T) {
	c, warns, err := parse(`[supervisord]
loglevel=loud

[program:a]
command=x
autorestart=maybe
startsecs=soon
autorestar=true

[program:b]
priority=x
`, nil)
	if c != nil {
		t.Error("config returned along with errors")
	}
	want := []string{
		`app.conf:2: loglevel: want one of critical, error, warn, info, debug, trace, blather, got "loud"`,
		`app.conf:6: autorestart: want true, false or unexpected, got "maybe"`,
		`app.conf:7: startsecs: want a whole number of seconds, 0 or more, got "soon"`,
		`app.conf:10: [program:b] has no command= setting`,
		`app.conf:11: priority: want an integer, got "x"`,
	}
	if got := errLines(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("Error() = %q, want one per line", got)
	}
	if w := warnLines(warns); len(w) != 1 || w[0] != `app.conf:8: autorestar: unknown key, did you mean "autorestart"?` {
		t.Errorf("warnings = %q", w)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct{ text, want string }{
		{"[program:w]\ncommand=x\nautorestar=true\n", `app.conf:3: autorestar: unknown key, did you mean "autorestart"?`},
		{"[program:w]\ncommand=x\nstdout_logfle=/x\n", `app.conf:3: stdout_logfle: unknown key, did you mean "stdout_logfile"?`},
		{"[program:w]\ncommand=x\nfrobnicate=1\n", `app.conf:3: frobnicate: unknown key`},
		{"[supervisord]\nlogfiles=x\n", `app.conf:2: logfiles: unknown key, did you mean "logfile"?`},
		{"[supervisord]\nnodaemon=false\n", "app.conf:2: nodaemon: ignored: vigil always stays in the foreground"},
		{"[eventlistener:ev]\ncommand=x\nevents=PROCESS_STATE\n", "app.conf:1: [eventlistener:ev] ignored: vigil does not run event listeners"},
		{"[fcgi-program:f]\ncommand=x\nsocket=tcp://localhost:1\n", "app.conf:1: [fcgi-program:f] ignored: vigil does not run FastCGI programs"},
		{"[programs:w]\ncommand=x\n", "app.conf:1: unknown section [programs:w] ignored, did you mean [program:w]?"},
		{"[supervisor]\n", "app.conf:1: unknown section [supervisor] ignored, did you mean [supervisord]?"},
		{"[whatever]\n", "app.conf:1: unknown section [whatever] ignored"},
		{"[program:w]\ncommand=x\nstdout_logfile_maxbytes=0\nstderr_logfile=NONE\n", "app.conf:3: stdout_logfile: AUTO log without rollover: set stdout_logfile_maxbytes > 0 so it cannot fill the disk"},
		{"[program:w]\ncommand=x\nstdout_logfile=syslog\nstderr_logfile=NONE\n", "app.conf:3: stdout_logfile: stdout_logfile=syslog is deprecated: use stdout_syslog=true"},
		{"[program:w]\ncommand=x\nredirect_stderr=true\nstderr_logfile=/tmp/e\n", "app.conf:4: stderr_logfile: ignored because redirect_stderr=true sends stderr to stdout"},
		{"[program:w]\ncommand=x\nenvironment=A=hello world\n", `app.conf:3: environment: "world" after A=hello is ignored (as supervisord does): quote values with spaces or special characters and separate pairs with commas`},
		{"[include]\nfiles=nothing-here/*.conf\n", `app.conf:2: files: no file matches "nothing-here/*.conf"`},
	}
	for _, tt := range tests {
		_, warns, err := parse(tt.text, nil)
		if err != nil {
			t.Errorf("%q: unexpected error %v", tt.text, err)
		}
		if w := warnLines(warns); !containsLine(w, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, w, tt.want)
		}
	}
}

func TestRedirectStderr(t *testing.T) {
	c := mustParse(t, "[program:w]\ncommand=x\nredirect_stderr=true\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n", nil)
	p := one(t, c)
	if !p.RedirectStderr || p.Stderr.File != "" || p.Stdout.File != "/dev/stdout" {
		t.Errorf("got redirect=%v stderr=%q stdout=%q", p.RedirectStderr, p.Stderr.File, p.Stdout.File)
	}
}

func TestSyslogAlias(t *testing.T) {
	c, _, err := parse("[program:w]\ncommand=x\nstdout_logfile=SYSLOG\nstderr_logfile=NONE\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := one(t, c); p.Stdout.File != "" || !p.Stdout.Syslog {
		t.Errorf("stdout = %+v, want no file and syslog", p.Stdout)
	}
}

func TestServers(t *testing.T) {
	c := mustParse(t, `[unix_http_server]
file=%(here)s/s.sock
chmod=0770
chown=nobody:nogroup
username=u
password=p

[inet_http_server]
port=*:9001
username=u
password={SHA}abc

[supervisorctl]
serverurl=unix://%(here)s/s.sock
username=u
password=p
prompt=box
history_file=~/.h

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[ctlplugin:x]
anything=goes
`, map[string]string{"HOME": "/root"})
	here := absDir("app.conf")
	wantU := &UnixHTTPServer{Pos: Pos{File: "app.conf", Line: 1}, File: here + "/s.sock", Chmod: 0o770, Chown: "nobody:nogroup", Username: "u", Password: "p"}
	wantI := &InetHTTPServer{Pos: Pos{File: "app.conf", Line: 8}, Port: "*:9001", Username: "u", Password: "{SHA}abc"}
	wantC := &Supervisorctl{Pos: Pos{File: "app.conf", Line: 13}, ServerURL: "unix://" + here + "/s.sock", Username: "u", Password: "p", Prompt: "box", HistoryFile: "/root/.h"}
	if !reflect.DeepEqual(c.Unix, wantU) {
		t.Errorf("unix = %+v, want %+v", c.Unix, wantU)
	}
	if !reflect.DeepEqual(c.Inet, wantI) {
		t.Errorf("inet = %+v, want %+v", c.Inet, wantI)
	}
	if !reflect.DeepEqual(c.Ctl, wantC) {
		t.Errorf("ctl = %+v, want %+v", c.Ctl, wantC)
	}
}

func TestServerDefaults(t *testing.T) {
	c := mustParse(t, "[unix_http_server]\nfile=/s\n[inet_http_server]\nport=9001\n[supervisorctl]\n", nil)
	if c.Unix.Chmod != 0o700 || c.Unix.Username != "" {
		t.Errorf("unix = %+v", c.Unix)
	}
	if c.Ctl.ServerURL != "http://localhost:9001" || c.Ctl.Prompt != "supervisor" {
		t.Errorf("ctl = %+v", c.Ctl)
	}
}

func TestNumprocsNaming(t *testing.T) {
	tests := []struct {
		keys  string
		names []string
	}{
		{"numprocs=3\nprocess_name=%(program_name)s_%(process_num)d", []string{"w_0", "w_1", "w_2"}},
		{"numprocs=2\nnumprocs_start=9\nprocess_name=%(program_name)s_%(process_num)02d", []string{"w_09", "w_10"}},
		{"numprocs=2\nprocess_name=%(process_num)s-of-%(numprocs)d", []string{"0-of-2", "1-of-2"}},
		{"process_name=%(program_name)s_%(process_num)03d", []string{"w_000"}},
		{"process_name=fixed", []string{"fixed"}},
		{"process_name=%(group_name)s-%(host_node_name)s", []string{"w-box"}},
	}
	for _, tt := range tests {
		c := mustParse(t, "[program:w]\ncommand=x %(process_num)d\nstdout_logfile=NONE\nstderr_logfile=NONE\n"+tt.keys+"\n", nil)
		var names []string
		for _, p := range c.Processes() {
			names = append(names, p.Name)
			if p.Program != "w" || p.Group != "w" || p.Command[1] != strconv.Itoa(p.ProcessNum) {
				t.Errorf("%q: process %+v", tt.keys, p)
			}
		}
		if !reflect.DeepEqual(names, tt.names) {
			t.Errorf("%q: names %q, want %q", tt.keys, names, tt.names)
		}
	}
}

func TestGroupsAndOrder(t *testing.T) {
	c := mustParse(t, `[group:backend]
programs=db, api
priority=10

[program:api]
command=api
priority=20
stdout_logfile=NONE
stderr_logfile=NONE

[program:db]
command=db
priority=5
stdout_logfile=NONE
stderr_logfile=NONE

[program:web]
command=web
priority=1
stdout_logfile=NONE
stderr_logfile=NONE

[program:cron]
command=cron
stdout_logfile=NONE
stderr_logfile=NONE
`, nil)
	var groups []string
	for _, g := range c.Groups {
		var procs []string
		for _, p := range g.Processes {
			procs = append(procs, p.Name)
		}
		groups = append(groups, g.Name+"="+strings.Join(procs, ","))
	}
	if want := []string{"web=web", "backend=db,api", "cron=cron"}; !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %q, want %q", groups, want)
	}
	if g := c.Groups[1]; g.FromProgram || g.Priority != 10 || g.Pos.Line != 1 {
		t.Errorf("backend group = %+v", g)
	}
	if g := c.Groups[0]; !g.FromProgram || g.Priority != 1 {
		t.Errorf("web group = %+v", g)
	}
	var order []string
	for _, p := range c.Processes() {
		order = append(order, p.Group+":"+p.Name)
	}
	if want := []string{"web:web", "backend:db", "backend:api", "cron:cron"}; !reflect.DeepEqual(order, want) {
		t.Errorf("start order = %q, want %q", order, want)
	}
	for _, name := range []string{"api", "backend:api"} {
		if p := c.Process(name); p == nil || p.Name != "api" || p.Group != "backend" {
			t.Errorf("Process(%q) = %+v", name, p)
		}
	}
	if c.Process("web:api") != nil || c.Process("nope") != nil {
		t.Error("Process found something that does not exist")
	}
}

func TestGroupNames(t *testing.T) {
	c := mustParse(t, "[group:g]\nprograms=a\n[program:a]\ncommand=echo %(group_name)s %(program_name)s\nstdout_logfile=NONE\nstderr_logfile=NONE\n", nil)
	if p := one(t, c); !reflect.DeepEqual(p.Command, []string{"echo", "g", "a"}) {
		t.Errorf("command = %q", p.Command)
	}
}

func TestEmptyGroup(t *testing.T) {
	c := mustParse(t, "[group:g]\nprograms=\n", nil)
	if len(c.Groups) != 1 || len(c.Groups[0].Processes) != 0 {
		t.Errorf("groups = %+v", c.Groups)
	}
}

func TestNoFile(t *testing.T) {
	c, warns, err := Load("", LoadOptions{})
	if err != nil || len(warns) != 0 || len(c.Groups) != 0 || len(c.Files) != 0 {
		t.Errorf("Load(\"\") = %+v, %v, %v", c, warns, err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := t.TempDir() + "/missing.conf"
	_, _, err := Load(path, LoadOptions{})
	if got := errLines(t, err); len(got) != 1 || got[0] != path+": cannot read config file: no such file or directory" {
		t.Errorf("got %q", got)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "sub/app.conf", "[program:w]\ncommand=%(here)s/bin/w\nstdout_logfile=NONE\nstderr_logfile=NONE\n")
	c, _, err := Load(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := one(t, c); p.Command[0] != dir+"/sub/bin/w" {
		t.Errorf("command = %q", p.Command)
	}
	if !reflect.DeepEqual(c.Files, []string{path}) {
		t.Errorf("files = %q", c.Files)
	}
}

func TestDefaultSection(t *testing.T) {
	c := mustParse(t, "[DEFAULT]\nstdout_logfile=NONE\nstderr_logfile=NONE\nautostart=false\n[program:a]\ncommand=a\n[program:b]\ncommand=b\nautostart=true\n", nil)
	if a, b := c.Process("a"), c.Process("b"); a.AutoStart || !b.AutoStart || a.Stdout.File != "" {
		t.Errorf("a=%+v b=%+v", a, b)
	}
}

func TestEnvExpansionSources(t *testing.T) {
	c := mustParse(t, `[supervisord]
environment=FROM_SUP="sup"
[program:w]
environment=OWN=own,FROM_INIT=%(ENV_FROM_INIT)s
command=echo %(ENV_FROM_INIT)s %(ENV_FROM_SUP)s %(ENV_OWN)s
stdout_logfile=NONE
stderr_logfile=NONE
`, map[string]string{"FROM_INIT": "init"})
	p := one(t, c)
	if want := []string{"echo", "init", "sup", "own"}; !reflect.DeepEqual(p.Command, want) {
		t.Errorf("command = %q, want %q", p.Command, want)
	}
	if want := []EnvVar{{"OWN", "own"}, {"FROM_INIT", "init"}}; !reflect.DeepEqual(p.Environment, want) {
		t.Errorf("environment = %q, want %q", p.Environment, want)
	}
}

func TestPercentLiteral(t *testing.T) {
	c := mustParse(t, "[program:w]\ncommand=date +%%s 100%%\nstdout_logfile=NONE\nstderr_logfile=NONE\n", nil)
	if p := one(t, c); !reflect.DeepEqual(p.Command, []string{"date", "+%s", "100%"}) {
		t.Errorf("command = %q", p.Command)
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "app.conf", Line: 12}, "app.conf:12"},
		{Pos{Var: "VIGIL_PROGRAM_web__AUTORESTART"}, "env VIGIL_PROGRAM_web__AUTORESTART"},
		{Pos{File: "app.conf"}, "app.conf"},
		{Pos{}, ""},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
	e := &Error{Pos: Pos{File: "a", Line: 1}, Msg: "m"}
	if e.Error() != "a:1: m" {
		t.Errorf("Error() = %q", e.Error())
	}
	w := Warning{Pos: Pos{Var: "V"}, Key: "k", Msg: "m"}
	if w.String() != "env V: k: m" {
		t.Errorf("String() = %q", w.String())
	}
}

func TestEnumStrings(t *testing.T) {
	for v, want := range map[interface{ String() string }]string{
		RestartNever: "false", RestartAlways: "true", RestartUnexpected: "unexpected",
		BackoffLinear: "linear", BackoffExponential: "exponential",
		ReadyStartsecs: "startsecs", ReadyHealth: "healthcheck", ReadyNotify: "notify",
	} {
		if got := v.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", v, got, want)
		}
	}
}

func TestHereWithoutFile(t *testing.T) {
	wd := absPath(".")
	c, _, err := Parse("", []byte("[program:w]\ncommand=%(here)s/w\n"+quiet), LoadOptions{})
	if err != nil || one(t, c).Command[0] != wd+"/w" || len(c.Files) != 0 {
		t.Errorf("Parse(\"\"): %v %+v", err, c)
	}
	c, _, err = Load("", LoadOptions{Env: map[string]string{"VIGIL_PROGRAM_w": "%(here)s/w"}})
	if err != nil || one(t, c).Command[0] != wd+"/w" {
		t.Errorf("env program: %v %+v", err, c)
	}
}
