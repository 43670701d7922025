package e2e

// Bad input against the built binary: configs, commands that cannot run,
// output no terminal would want, and requests no client should send. Each
// gets one clear line saying where and what, init never crashes, nothing
// is lost, and what is rejected changes nothing. The unit tests of each
// package (config, control, xmlrpc, initproc) hold the full tables; these
// check that the binary behaves the same.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sh/vigil/xmlrpc"
)

// badConfig is a config init must refuse, with the error lines it must
// print; "%s" stands for the config file's path.
type badConfig struct {
	name  string
	text  string
	extra map[string]string // more files, relative to the config's directory
	want  []string
}

var badConfigs = []badConfig{
	{"malformed INI", "[program:a]\ncommand=sleep 1\n[program:b\ncommand=b\nno equals sign here\n", nil,
		[]string{`%s:3: bad section header "[program:b": want [name]`, `%s:5: want key=value or key: value, got "no equals sign here"`}},
	{"wrong types", "[program:a]\ncommand=sleep 1\nstartsecs=abc\nautorestart=maybe\nstartretries=-1\n", nil,
		[]string{`%s:3: startsecs: want a whole number of seconds, 0 or more, got "abc"`,
			`%s:4: autorestart: want true, false or unexpected, got "maybe"`,
			`%s:5: startretries: want an integer of 0 or more, got "-1"`}},
	{"empty command", "[program:a]\ncommand=\n[program:b]\ncommand=\"\" -x\n", nil,
		[]string{`%s:2: command: empty command`, `%s:4: command: empty program name in "\"\" -x": the first word is the program to run`}},
	{"include cycle", "[include]\nfiles=conf.d/*.conf\n", map[string]string{"conf.d/b.conf": "[program:b]\ncommand=sleep 1\n[include]\nfiles=../*.conf\n"},
		[]string{`conf.d/b.conf:3: an included file cannot contain [include]: supervisord reads [include] only in the main file`}},
	{"dependency cycle", "[program:a]\ncommand=sleep 1\ndepends_on=b\n[program:b]\ncommand=sleep 1\ndepends_on=a\n", nil,
		[]string{`%s:3: depends_on: dependency cycle a -> b -> a`}},
	{"bad signal", "[program:a]\ncommand=sleep 1\nstopsignal=TERMM\n", nil,
		[]string{`%s:3: stopsignal: unknown signal "TERMM": want a name like TERM, HUP, USR1, RTMIN+2 or a number`}},
	{"path tricks", "[program:../x]\ncommand=sleep 1\n[program:a]\ncommand=sleep 1\nprocess_name=../a\n", nil,
		[]string{`%s:1: bad program name "../x": a name cannot contain /`, `%s:5: process_name: bad process name "../a": a name cannot contain /`}},
	{"NUL byte", "[program:a]\ncommand=sleep 1\x00\n", nil,
		[]string{`%s:2: NUL byte in the line: a config file is text; is %s the file you meant?`}},
}

// writeBad writes bc into dir, always as app.conf so that a running init
// rereads it, and returns the main file and the error lines it must give.
func writeBad(t *testing.T, dir string, bc badConfig) (string, []string) {
	t.Helper()
	conf := filepath.Join(dir, "app.conf")
	writeFile(t, conf, bc.text)
	for name, text := range bc.extra {
		writeFile(t, filepath.Join(dir, name), text)
	}
	var want []string
	for _, w := range bc.want {
		if strings.HasPrefix(w, "conf.d/") {
			w = filepath.Join(dir, w)
		}
		want = append(want, strings.ReplaceAll(w, "%s", conf))
	}
	return conf, want
}

// Items 1-6 and 9 of the README's table: every bad config is refused by
// config check, by init at start (exit 2, nothing started), and by a
// reload of a running init, which leaves every program untouched.
func TestBadInputConfigs(t *testing.T) {
	for _, bc := range badConfigs {
		conf, want := writeBad(t, t.TempDir(), bc)
		out, code := runCode(t, initBin, "config", "check", "-c", conf)
		if code != 2 {
			t.Errorf("%s: config check exit %d, want 2\n%s", bc.name, code, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for j, w := range want {
			if j >= len(lines) || lines[j] != "vigil: "+w {
				t.Errorf("%s: config check said\n%s\nwant line %d: vigil: %s", bc.name, out, j+1, w)
				break
			}
		}
	}

	// At start: exit 2 and nothing runs.
	marker := filepath.Join(t.TempDir(), "ran")
	conf := writeConfig(t, fmt.Sprintf("[program:a]\ncommand=touch %s\nstartsecs=abc\n[program:b\ncommand=b\n", marker))
	in := start(t, run{noWait: true, args: []string{"-c", conf}})
	if code := in.wait(10 * time.Second); code != 2 || !strings.Contains(in.out.String(), conf+":3: startsecs:") {
		t.Fatalf("exit %d, want 2 with the error\n%s", code, in.out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a program of a rejected config ran")
	}

	// On reload: refused with the same lines; nothing running changes.
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	good := "[program:keep]\ncommand=sleep 1001\nstartsecs=0\n"
	main := filepath.Join(dir, "app.conf")
	writeFile(t, main, good)
	in = start(t, run{pid1: true, args: []string{"--socket", sock, "-c", main}})
	in.waitFor("keep running", 10*time.Second, func() bool {
		out, _ := ctl(t, sock, "status")
		return strings.Contains(out, "RUNNING")
	})
	keep := pidOf(t, sock, "keep")
	for _, bc := range badConfigs {
		os.RemoveAll(filepath.Join(dir, "conf.d"))
		_, want := writeBad(t, dir, bc)
		out, code := ctl(t, sock, "update")
		if code != 1 || !strings.Contains(out, want[0]) {
			t.Errorf("%s: update: exit %d, want 1 and %q\n%s", bc.name, code, want[0], out)
		}
		if pidOf(t, sock, "keep") != keep {
			t.Fatalf("%s: a rejected config changed a running program", bc.name)
		}
	}
	if out := mustCtl(t, sock, "avail"); strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "keep") {
		t.Fatalf("rejected configs added programs:\n%s", out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// Item 2: an unknown key is a warning naming file, line and key, with the
// nearest known key; the config still runs, as under supervisord.
func TestBadInputUnknownKeyWarns(t *testing.T) {
	conf := writeConfig(t, "[program:a]\ncommand=sleep 1\nautorestat=true\n")
	out, code := runCode(t, initBin, "config", "check", "-c", conf)
	if code != 0 || !strings.Contains(out, "vigil: warning: "+conf+`:3: autorestat: unknown key, did you mean "autorestart"?`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// Item 7: a command that is missing, not in PATH, not executable or a
// directory is a spawn error naming the program and the path, as under
// supervisord; after startretries the program is FATAL with the reason,
// and init and its other programs carry on.
func TestBadInputCommandsThatCannotStart(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script.sh")
	writeFile(t, script, "#!/bin/sh\necho hi\n") // not executable
	sock := filepath.Join(dir, "vigil.sock")
	conf := writeConfig(t, fmt.Sprintf(`
[program:missing]
command=/nonexistent/dir/app --flag
startretries=1
[program:notinpath]
command=no-such-command-here
startretries=1
[program:noexec]
command=%s
startretries=1
[program:isdir]
command=%s
startretries=1
[program:good]
command=sleep 1000
startsecs=0
`, script, dir))
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	reasons := map[string]string{
		"missing":   "/nonexistent/dir/app: no such file or directory",
		"notinpath": "no-such-command-here: command not found in PATH",
		"noexec":    script + ": permission denied",
		"isdir":     dir + ": is a directory",
	}
	for name, why := range reasons {
		in.waitOutput(fmt.Sprintf("vigil: warning: spawn error program=%s err=%q\n", name, why))
		in.waitOutput(fmt.Sprintf("vigil: warning: gave up: %s entered FATAL state, too many start retries too quickly spawnerr=%q\n", name, why))
	}
	out, code := ctl(t, sock, "status")
	if code != 3 {
		t.Errorf("status exit %d, want 3", code)
	}
	for name, why := range reasons {
		if !regexp.MustCompile(`(?m)^` + name + ` +FATAL +` + regexp.QuoteMeta(why) + `$`).MatchString(out) {
			t.Errorf("status of %s, want FATAL and %q:\n%s", name, why, out)
		}
	}
	if !regexp.MustCompile(`(?m)^good +RUNNING`).MatchString(out) {
		t.Errorf("the good program suffered:\n%s", out)
	}
	c := probeClient(sock)
	ps := programsOf(t, c)
	for name, why := range reasons {
		if p := ps[name]; p.State != "FATAL" || p.Spawnerr != why {
			t.Errorf("API: %s is %+v, want FATAL with spawnerr %q", name, p, why)
		}
	}
	// Starting it again by hand fails with the reason, as supervisorctl's
	// "ERROR (spawn error)", instead of saying "started".
	if out, code := ctl(t, sock, "start", "noexec"); code != 1 || out != "noexec: ERROR (spawn error: "+script+": permission denied)\n" {
		t.Errorf("start noexec: exit %d\n%s", code, out)
	}
	waitStatus(t, in, c, "/livez", 200)
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Errorf("init exit %d after its programs failed to start", code)
	}
}

// consoleOf extracts what a program wrote from init's output: the lines
// with its prefix (the name, padded, and "| "), the prefix taken off.
func consoleOf(out []byte, name string) []byte {
	prefix := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + ` *\| `)
	var b bytes.Buffer
	for _, line := range bytes.SplitAfter(out, []byte("\n")) {
		if m := prefix.Find(line); m != nil {
			b.Write(line[len(m):])
		}
	}
	return b.Bytes()
}

// Items 10 and 11: a 10 MB line without a newline, random bytes with NULs,
// and text that is not UTF-8 go through init whole: on its output each
// line prefixed, a line over 64 KiB in 64 KiB pieces, no byte lost or
// changed; in a log file and in the API's log tail byte for byte.
func TestBadInputProgramOutput(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	random := make([]byte, 1<<20)
	rand.Read(random)
	randomFile := filepath.Join(dir, "random.bin")
	writeFile(t, randomFile, string(random))
	logFile := filepath.Join(dir, "bin2.log")
	latin1 := "caf\xe9 \xff\xfe na\xefve\x00end\n"
	conf := writeConfig(t, fmt.Sprintf(`
[program:huge]
command=sh -c 'head -c 10485760 /dev/zero | tr "\0" x; echo; echo huge-done; exec sleep 1000'
startsecs=0
[program:bin]
command=sh -c 'cat %[1]s; echo; echo bin-done; exec sleep 1000'
startsecs=0
[program:bin2]
command=cat %[1]s
stdout_logfile=%[2]s
startsecs=0
autorestart=false
[program:latin]
command=printf 'caf\351 \377\376 na\357ve\000end\n'
startsecs=0
autorestart=false
`, randomFile, logFile))
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	// init's output is megabytes of it, too much for in.waitFor's
	// message: a failure here says only what is missing.
	var s string
	var ferr error
	if !poll(60*time.Second, 50*time.Millisecond, func() bool {
		s = in.out.String()
		st, err := os.Stat(logFile)
		ferr = err
		return strings.Contains(s, "huge-done\n") && strings.Contains(s, "bin-done\n") && strings.Contains(s, "end\n") &&
			err == nil && st.Size() >= int64(len(random))
	}) {
		t.Fatalf("timed out waiting for the output; %d bytes; huge-done %v bin-done %v end %v; log file: %v", len(s), strings.Contains(s, "huge-done\n"), strings.Contains(s, "bin-done\n"), strings.Contains(s, "end\n"), ferr)
	}
	c := probeClient(sock)
	// The ring holds each stream's last 64 KiB.
	code, tail := get(c, fmt.Sprintf("/api/v1/programs/bin2/log/stdout?bytes=%d", 64<<10))
	out := []byte(in.out.String())

	huge := consoleOf(out, "huge")
	if want := strings.Repeat(strings.Repeat("x", 64<<10)+"\n", 160) + "huge-done\n"; string(huge) != want {
		t.Errorf("the 10 MB line: %d bytes in %d lines, want 160 lines of 64 KiB then huge-done", len(huge), bytes.Count(huge, []byte("\n")))
	}
	// No line of random bytes reaches 64 KiB (a newline comes every 256
	// bytes or so), so they come out exactly as written.
	if got := consoleOf(out, "bin"); !bytes.Equal(got, append(random, "\nbin-done\n"...)) {
		t.Errorf("random bytes on init's output: %d bytes, want %d unchanged", len(got), len(random)+len("\nbin-done\n"))
	}
	if got := consoleOf(out, "latin"); string(got) != latin1 {
		t.Errorf("non-UTF-8 output: %q, want %q", got, latin1)
	}
	// A last line without a newline gets one when the program ends.
	written := random
	if random[len(random)-1] != '\n' {
		written = append(random[:len(random):len(random)], '\n')
	}
	if got, _ := os.ReadFile(logFile); !bytes.Equal(got, written) {
		t.Errorf("log file: %d bytes, want the %d bytes written", len(got), len(written))
	}
	wantTail := written[len(written)-64<<10:]
	if code != 200 || tail != string(wantTail) {
		t.Errorf("API log tail: %d, %d bytes; want the last 64 KiB unchanged", code, len(tail))
	}
	if out, _ := ctl(t, sock, "tail", "latin"); out != latin1 {
		t.Errorf("ctl tail latin: %q, want %q", out, latin1)
	}
	waitStatus(t, in, c, "/livez", 200)
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// Items 9 and 12-14, 16 against the running binary: bad signal names,
// oversized bodies, malformed XML and entities, path tricks in URLs and a
// client that sends nothing. Each is refused with one line; afterwards
// init answers as before and its program never noticed.
func TestBadInputRequests(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	port := freePort(t)
	conf := writeConfig(t, "[program:web]\ncommand=sh -c 'echo web line; exec sleep 1000'\nstartsecs=0\n")
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "--http", fmt.Sprintf("127.0.0.1:%d", port), "-c", conf}})
	in.waitOutput("| web line\n")
	c := probeClient(sock)
	waitStatus(t, in, c, "/livez", 200)
	pid := pidOf(t, sock, "web")

	// Item 9: a bad signal name, from ctl, the API and XML-RPC.
	for _, sig := range []string{"FOO", "TERMM", "0", "65", "-9"} {
		out, code := ctl(t, sock, "signal", "--", sig, "web")
		// A usage error, found before init is asked.
		if code != 2 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "signal") {
			t.Errorf("ctl signal %s: exit %d\n%s", sig, code, out)
		}
	}
	code, b := post(c, "/api/v1/control", "application/json", strings.NewReader(`{"verb":"signal","names":["web"],"signal":"TERMM"}`))
	if code != 400 || !strings.Contains(b, `unknown signal \"TERMM\"`) {
		t.Errorf("API signal TERMM: %d %s", code, b)
	}
	var call bytes.Buffer
	xmlrpc.EncodeCall(&call, "supervisor.signalProcess", "web", "TERMM")
	_, b = post(c, "/RPC2", "text/xml", &call)
	var fault *xmlrpc.Fault
	if _, err := xmlrpc.DecodeResponse(strings.NewReader(b)); !errors.As(err, &fault) || fault.Code != xmlrpc.BadSignal {
		t.Errorf("XML-RPC signalProcess TERMM: %v", err)
	}

	// Item 12: 10 MB bodies.
	huge := strings.Repeat("x", 10<<20)
	code, b = post(c, "/api/v1/control", "application/json", strings.NewReader(`{"verb":"stop","names":["`+huge+`"]}`))
	if (code != 400 && code != 413) || !strings.Contains(b, "too large") || strings.Count(b, "\n") != 1 {
		t.Errorf("10 MB control request: %d %.200s", code, b)
	}
	code, b = post(c, "/RPC2", "text/xml", strings.NewReader(`<?xml version="1.0"?><methodCall><methodName>supervisor.stopProcess</methodName><params><param><value>`+huge+`</value></param></params></methodCall>`))
	if code != 413 || strings.Count(b, "\n") != 1 {
		t.Errorf("10 MB XML-RPC call: %d %.200s", code, b)
	}

	// Item 13: malformed XML, entity expansion, external entities.
	laughs := `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><methodCall><methodName>&i;</methodName></methodCall>`
	for name, body := range map[string]string{
		"not XML":         "stop web",
		"truncated":       `<?xml version="1.0"?><methodCall><methodName>supervisor.stopProcess</methodName><params><param><value>web`,
		"billion laughs":  laughs,
		"external entity": `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><methodCall><methodName>supervisor.stopProcess</methodName><params><param><value>&x;</value></param></params></methodCall>`,
		"external DTD":    `<?xml version="1.0"?><!DOCTYPE methodCall SYSTEM "file:///etc/passwd"><methodCall><methodName>supervisor.getPID</methodName></methodCall>`,
	} {
		t0 := time.Now()
		code, b := post(c, "/RPC2", "text/xml", strings.NewReader(body))
		_, derr := xmlrpc.DecodeResponse(strings.NewReader(b))
		if code != 200 || !errors.As(derr, &fault) || fault.Code != xmlrpc.IncorrectParameters ||
			strings.Contains(b, "root:") || strings.Contains(b, "lollol") || time.Since(t0) > 2*time.Second {
			t.Errorf("%s: %d %v\n%s", name, code, derr, b)
		}
	}

	// Item 14: path tricks in URLs find nothing and read no file.
	nc := probeClient(sock)
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{
		"/api/v1/programs/..%2f..%2fetc%2fpasswd/log/stdout",
		"/api/v1/programs/x%2f..%2fweb/log/stdout",
		"/api/v1/programs/web/log/..%2f..%2fetc%2fpasswd",
		"/api/v1/programs/web%00/log/stdout",
		"/logtail/..%2f..%2fetc%2fpasswd/stdout",
		"/logtail/../../etc/passwd",
		"/logtail/web/stdout/../../../../etc/passwd",
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://vigil", nil)
		req.URL.Opaque = path
		resp, err := nc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ok := resp.StatusCode == 404 || resp.StatusCode == 400 || resp.StatusCode/100 == 3
		if !ok || bytes.Contains(b, []byte("root:")) || bytes.Contains(b, []byte("web line")) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, b)
		}
	}

	// Item 16: clients that connect and send nothing, on the socket and on
	// TCP, are cut off; meanwhile and after, init answers.
	done := make(chan string, 2)
	for _, addr := range [][2]string{{"unix", sock}, {"tcp", fmt.Sprintf("127.0.0.1:%d", port)}} {
		go func() {
			conn, err := net.Dial(addr[0], addr[1])
			if err != nil {
				done <- fmt.Sprintf("%s: %v", addr[0], err)
				return
			}
			defer conn.Close()
			t0 := time.Now()
			conn.SetReadDeadline(t0.Add(15 * time.Second))
			_, err = io.Copy(io.Discard, bufio.NewReader(conn))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				done <- fmt.Sprintf("%s: a silent client still connected after %v", addr[0], time.Since(t0))
				return
			}
			done <- ""
		}()
	}
	if out := mustCtl(t, sock, "status", "web"); !strings.Contains(out, "RUNNING") {
		t.Errorf("status while clients dawdle: %s", out)
	}
	for range 2 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}

	// Nothing reached the program, and init is as it was.
	if got := pidOf(t, sock, "web"); got != pid {
		t.Errorf("web's pid went from %d to %d", pid, got)
	}
	waitStatus(t, in, c, "/livez", 200)
	in.signal(syscall.SIGTERM)
	if code := in.wait(20 * time.Second); code != 0 {
		t.Errorf("init exit %d", code)
	}
	if strings.Contains(in.out.String(), "panic") || strings.Contains(in.out.String(), "recovered from a bug") {
		t.Errorf("init hit a bug:\n%s", in.out)
	}
}
