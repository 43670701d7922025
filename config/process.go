package config

import (
	"fmt"
	"reflect"
	"strings"
	"syscall"
	"time"
)

// maxNumprocs bounds numprocs so a typo cannot make a load allocate
// millions of processes.
const maxNumprocs = 10000

// processes expands one program into its numprocs processes.
func (l *loader) processes(p *program, base expansions) []*Process {
	x := base.with(map[string]string{"program_name": p.name, "group_name": p.group}, nil)
	r := keyReader{l: l, sec: p.sec, x: x}
	n := get(r, "numprocs", 1, parseNumprocs)
	start := get(r, "numprocs_start", 0, parseNonNegInt)
	if n > 1 && !l.nameHasProcessNum(p.sec) {
		pos := p.sec.get("numprocs").pos
		if e := p.sec.get("process_name"); e != nil {
			pos = e.pos
		}
		l.d.errorf(pos, "process_name", "must contain %%(process_num) when numprocs > 1 (numprocs=%d), e.g. %%(program_name)s_%%(process_num)02d", n)
		// One process still gets its other keys checked, without a
		// cascade of duplicate-name errors.
		n = 1
	}
	var out []*Process
	for num := start; num < start+n; num++ {
		px := x.with(nil, map[string]int{"process_num": num, "numprocs": n})
		out = append(out, l.process(p, px, num, n))
	}
	return out
}

func parseNumprocs(s string) (int, error) {
	n, err := parseInt(s)
	if err != nil || n < 1 || n > maxNumprocs {
		return 0, fmt.Errorf("want an integer from 1 to %d, got %q", maxNumprocs, s)
	}
	return n, nil
}

func (l *loader) nameHasProcessNum(s *section) bool {
	e := s.get("process_name")
	return e != nil && strings.Contains(e.value, "%(process_num)")
}

// process reads one process. Its environment= is expanded first because,
// as in supervisord, the other keys may use its variables as %(ENV_X)s.
func (l *loader) process(p *program, x expansions, num, total int) *Process {
	r := keyReader{l: l, sec: p.sec, x: x}
	pr := &Process{
		Program: p.name, Group: p.group, ProcessNum: num, NumProcs: total, Pos: p.sec.pos,
		Environment: r.environment("environment"),
	}
	r.x = x.withEnv(pr.Environment)
	pr.Name = l.processName(r, p.name)
	l.command(r, pr)
	l.lifecycle(r, pr)
	l.stopping(r, pr)
	pr.User = r.str("user", "")
	pr.Directory = r.str("directory", "")
	pr.Umask = int(get(r, "umask", -1, octal(0o777)))
	pr.ServerURL = r.str("serverurl", "")
	if strings.EqualFold(strings.TrimSpace(pr.ServerURL), "AUTO") {
		pr.ServerURL = ""
	}
	l.logs(r, pr)
	l.extensions(r, pr)
	l.health(r, pr)
	return pr
}

func (l *loader) processName(r keyReader, def string) string {
	name := r.str("process_name", def)
	name = strings.TrimSpace(name)
	if err := checkName(name); err != "" {
		pos := r.sec.pos
		if e := r.sec.get("process_name"); e != nil {
			pos = e.pos
		}
		l.d.errorf(pos, "process_name", "bad process name %q: %s", name, err)
	}
	return name
}

func (l *loader) command(r keyReader, pr *Process) {
	v, e, ok := r.raw("command")
	switch {
	case e == nil:
		l.d.errorf(r.sec.pos, "", "[%s] has no command= setting", r.sec.name)
		return
	case !ok:
		return
	}
	pr.CommandLine = v
	pr.Command = l.argv(e, "command", v)
}

// argv splits a command line, reporting what could never be started: a
// line that does not split, an empty one, or one whose program is an
// empty quoted word, which shlex accepts and exec cannot run.
func (l *loader) argv(e *entry, key, v string) []string {
	args, err := splitCommand(v)
	switch {
	case err != nil:
		l.d.errorf(e.pos, key, "cannot split %q: %v", v, err)
	case len(args) == 0:
		l.d.errorf(e.pos, key, "empty command")
	case args[0] == "":
		l.d.errorf(e.pos, key, "empty program name in %q: the first word is the program to run", v)
	}
	return args
}

func (l *loader) lifecycle(r keyReader, pr *Process) {
	pr.Priority = get(r, "priority", 999, parseInt)
	pr.AutoStart = get(r, "autostart", true, parseBool)
	pr.StartSecs = get(r, "startsecs", time.Second, parseSeconds)
	pr.StartRetries = get(r, "startretries", 3, parseNonNegInt)
	pr.AutoRestart = get(r, "autorestart", RestartUnexpected, parseAutoRestart)
	pr.ExitCodes = get(r, "exitcodes", []int{0}, parseExitCodes)
}

func (l *loader) stopping(r keyReader, pr *Process) {
	pr.StopSignal = get(r, "stopsignal", syscall.SIGTERM, ParseSignal)
	pr.StopWait = get(r, "stopwaitsecs", 10*time.Second, parseSeconds)
	pr.StopAsGroup = get(r, "stopasgroup", false, parseBool)
	pr.KillAsGroup = get(r, "killasgroup", pr.StopAsGroup, parseBool)
	if e := r.sec.get("killasgroup"); e != nil && pr.StopAsGroup && !pr.KillAsGroup {
		l.d.errorf(e.pos, "killasgroup", "cannot be false when stopasgroup is true: the final SIGKILL must reach the group the stop signal went to")
	}
}

func (l *loader) logs(r keyReader, pr *Process) {
	pr.RedirectStderr = get(r, "redirect_stderr", false, parseBool)
	pr.Stdout = l.logSpec(r, "stdout")
	pr.Stderr = l.logSpec(r, "stderr")
	if !pr.RedirectStderr {
		return
	}
	if f := pr.Stderr.File; f != "" && f != "AUTO" {
		l.d.warnf(r.sec.get("stderr_logfile").pos, "stderr_logfile", "ignored because redirect_stderr=true sends stderr to stdout")
	}
	pr.Stderr.File = ""
}

func (l *loader) logSpec(r keyReader, ch string) LogSpec {
	s := LogSpec{File: "AUTO", MaxBytes: 50 << 20, Backups: 10}
	s.MaxBytes = get(r, ch+"_logfile_maxbytes", s.MaxBytes, parseByteSize)
	s.Backups = get(r, ch+"_logfile_backups", s.Backups, parseNonNegInt)
	s.CaptureMaxBytes = get(r, ch+"_capture_maxbytes", 0, parseByteSize)
	s.EventsEnabled = get(r, ch+"_events_enabled", false, parseBool)
	s.Syslog = get(r, ch+"_syslog", false, parseBool)
	key := ch + "_logfile"
	v, e, ok := r.raw(key)
	if !ok {
		l.autoWarning(r, key, s)
		return s
	}
	file, syslog := logfile(v, l.opts.Env["HOME"])
	s.File = file
	if syslog {
		s.Syslog = true
		l.d.warnf(e.pos, key, "%s=syslog is deprecated: use %s_syslog=true", key, ch)
	}
	l.autoWarning(r, key, s)
	return s
}

// autoWarning repeats supervisord's warning about AUTO logs that never
// rotate, which fill the disk.
func (l *loader) autoWarning(r keyReader, key string, s LogSpec) {
	if s.File != "AUTO" || s.MaxBytes != 0 {
		return
	}
	pos := r.sec.pos
	if e := r.sec.get(key + "_maxbytes"); e != nil {
		pos = e.pos
	}
	l.d.warnf(pos, key, "AUTO log without rollover: set %s_maxbytes > 0 so it cannot fill the disk", key)
}

// Same reports whether p and q would run the same way: equal in everything
// but where they were written. A reload restarts a process only when it is
// not the Same.
func (p *Process) Same(q *Process) bool {
	a, b := *p, *q
	a.Pos, b.Pos = Pos{}, Pos{}
	a.dependsPos, b.dependsPos = Pos{}, Pos{}
	return reflect.DeepEqual(a, b)
}
