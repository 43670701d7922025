package config

import (
	"fmt"
	"net/url"
	"strings"
)

// supervisord reads [supervisord] with supervisord's defaults. Paths and
// users are not checked against the system: that is the runtime's job.
func (l *loader) supervisord() Supervisord {
	s := Supervisord{
		Logfile: "supervisord.log", LogfileMaxBytes: 50 << 20, LogfileBackups: 10,
		Loglevel: "info", Umask: -1, Minfds: 1024, Minprocs: 200,
		Identifier: "supervisor", Pidfile: "supervisord.pid", ChildLogDir: tempDir(l.opts.Env),
	}
	sec := l.ini.byName["supervisord"]
	if sec == nil {
		return s
	}
	s.Pos = sec.pos
	r := keyReader{l: l, sec: sec, x: expansions{
		strs: map[string]string{"host_node_name": l.opts.Hostname},
		env:  l.opts.Env,
	}}
	s.Environment = r.environment("environment")
	r.x = r.x.withEnv(s.Environment)
	s.Logfile = r.str("logfile", s.Logfile)
	s.LogfileMaxBytes = get(r, "logfile_maxbytes", s.LogfileMaxBytes, parseByteSize)
	s.LogfileBackups = get(r, "logfile_backups", s.LogfileBackups, parseNonNegInt)
	s.Loglevel = get(r, "loglevel", s.Loglevel, parseLoglevel)
	s.Pidfile = r.str("pidfile", s.Pidfile)
	s.Identifier = r.str("identifier", s.Identifier)
	s.ChildLogDir = r.str("childlogdir", s.ChildLogDir)
	s.User = r.str("user", "")
	s.Directory = r.str("directory", "")
	s.Umask = int(get(r, "umask", -1, octal(0o777)))
	s.Minfds = get(r, "minfds", s.Minfds, parseInt)
	s.Minprocs = get(r, "minprocs", s.Minprocs, parseInt)
	s.Nodaemon = get(r, "nodaemon", false, parseBool)
	s.Silent = get(r, "silent", false, parseBool)
	s.NoCleanup = get(r, "nocleanup", false, parseBool)
	s.StripANSI = get(r, "strip_ansi", false, parseBool)
	s.EnvFiles = r.paths("env_file")
	if e := sec.get("nodaemon"); e != nil && !s.Nodaemon && !e.inherited {
		l.d.warnf(e.pos, "nodaemon", "ignored: vigil always stays in the foreground")
	}
	return s
}

func octal(max int64) func(string) (int64, error) {
	return func(s string) (int64, error) { return parseOctal(s, max) }
}

func (l *loader) unixServer(x expansions) *UnixHTTPServer {
	sec := l.ini.byName["unix_http_server"]
	if sec == nil {
		return nil
	}
	r := keyReader{l: l, sec: sec, x: x}
	u := &UnixHTTPServer{Pos: sec.pos}
	u.File = strings.TrimSpace(r.str("file", ""))
	if !r.has("file") {
		l.d.errorf(sec.pos, "", "[unix_http_server] has no file= setting")
	}
	u.Chmod = uint32(get(r, "chmod", 0o700, octal(0o7777)))
	u.Chown = r.str("chown", "")
	u.Username, u.Password = r.auth()
	return u
}

func (l *loader) inetServer(x expansions) *InetHTTPServer {
	sec := l.ini.byName["inet_http_server"]
	if sec == nil {
		return nil
	}
	r := keyReader{l: l, sec: sec, x: x}
	s := &InetHTTPServer{Pos: sec.pos}
	s.Port = get(r, "port", "", inetAddress)
	if !r.has("port") {
		l.d.errorf(sec.pos, "", "[inet_http_server] has no port= setting")
	}
	s.Username, s.Password = r.auth()
	return s
}

// inetAddress checks "host:port", "*:port" or "port" as supervisord's
// inet_address does.
func inetAddress(s string) (string, error) {
	port := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		port = s[i+1:]
	}
	n, err := parseInt(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("want host:port or a port from 1 to 65535 like 127.0.0.1:9001, got %q", s)
	}
	return s, nil
}

func (l *loader) supervisorctl(x expansions) *Supervisorctl {
	sec := l.ini.byName["supervisorctl"]
	if sec == nil {
		return nil
	}
	r := keyReader{l: l, sec: sec, x: x}
	c := &Supervisorctl{Pos: sec.pos, Prompt: "supervisor"}
	c.ServerURL = get(r, "serverurl", "http://localhost:9001", checkURL)
	c.Username, c.Password = r.str("username", ""), r.str("password", "")
	c.Prompt = r.str("prompt", c.Prompt)
	c.HistoryFile = expandUser(r.str("history_file", ""), l.opts.Env["HOME"])
	return c
}

// checkURL accepts what supervisord's url() does: a scheme and something
// after it, such as unix:///run/supervisor.sock or http://localhost:9001.
func checkURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Path == "" && u.Opaque == "") {
		return "", fmt.Errorf("want a URL like unix:///run/supervisor.sock or http://localhost:9001, got %q", s)
	}
	return s, nil
}
