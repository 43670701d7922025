package e2e

// The security review's checks, against the built binary as PID 1: who can
// reach the control socket, what user= really drops, that no shell comes
// between a command and its program, and that secrets stay where they are.

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sh/vigil/xmlrpc"
)

// waitSocket waits until init has made its control socket at path.
func waitSocket(in *instance, path string) os.FileInfo {
	in.t.Helper()
	var st os.FileInfo
	in.waitFor("the control socket", 10*time.Second, func() bool {
		var err error
		st, err = os.Stat(path)
		return err == nil
	})
	return st
}

// The control socket is 0700 unless [unix_http_server] chmod= says
// otherwise, so only root (or chown='s user) can change anything; another
// user is refused by the kernel before init sees a byte.
func TestSecuritySocketMode(t *testing.T) {
	// A directory every user can reach, with an init every user can run:
	// the socket's own mode must be what keeps others out.
	dir, err := os.MkdirTemp("", "vigil-socket-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	ctlBin := filepath.Join(dir, "init")
	if err := copyFile(initBin, ctlBin, 0o755); err != nil {
		t.Fatal(err)
	}
	// asNobody runs ctl against sock as the user nobody, in no group but
	// nogroup.
	asNobody := func(sock string, args ...string) (string, int) {
		return runCode(t, "setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--", ctlBin, "ctl", "--socket", sock}, args...)...)
	}
	sock := filepath.Join(dir, "vigil.sock")
	conf := writeConfig(t, "[program:web]\ncommand=sleep 1000\nstartsecs=0\n")
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	if st := waitSocket(in, sock); st.Mode().Type() != os.ModeSocket || st.Mode().Perm() != 0o700 || st.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Fatalf("default socket: %v uid %d, want a socket with mode 0700 owned by root", st.Mode(), st.Sys().(*syscall.Stat_t).Uid)
	}
	mustCtl(t, sock, "status")
	for _, args := range [][]string{{"stop", "web"}, {"shutdown"}, {"status"}} {
		if out, code := asNobody(sock, args...); code != 4 || !strings.Contains(out, "permission denied") {
			t.Errorf("ctl %v as nobody: exit %d, want 4 and permission denied\n%s", args, code, out)
		}
	}
	if out := mustCtl(t, sock, "status", "web"); !strings.Contains(out, "RUNNING") {
		t.Fatalf("web after nobody's attempts:\n%s", out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)

	// chmod= and chown= are honoured: here the group may come in.
	sock2 := filepath.Join(dir, "vigil2.sock")
	conf = writeConfig(t, fmt.Sprintf("[unix_http_server]\nfile=%s\nchmod=0770\nchown=root:nogroup\n[program:web]\ncommand=sleep 1000\nstartsecs=0\n", sock2))
	in = start(t, run{pid1: true, configSocket: true, args: []string{"-c", conf}})
	st := waitSocket(in, sock2)
	if st.Mode().Perm() != 0o770 || st.Sys().(*syscall.Stat_t).Gid != 65534 {
		t.Fatalf("chmod=0770 chown=root:nogroup gave %v gid %d", st.Mode(), st.Sys().(*syscall.Stat_t).Gid)
	}
	out, code := asNobody(sock2, "status", "web")
	if code != 0 || !strings.Contains(out, "RUNNING") {
		t.Fatalf("ctl as a member of the socket's group: exit %d\n%s", code, out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// user= switches to the user's uid, gid and its own supplementary groups
// only: none of init's (here 10 and 4244, set on purpose), and no
// capabilities. The test user exists in a private mount namespace only,
// where /etc/passwd and /etc/group are bind-mounted copies with it added.
func TestSecurityUserDropsGroups(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	passwd, group := filepath.Join(dir, "passwd"), filepath.Join(dir, "group")
	writeFile(t, passwd, mustRead(t, "/etc/passwd")+"vigiltest:x:4242:4242:vigil test:/home/vigiltest:/bin/sh\n")
	writeFile(t, group, mustRead(t, "/etc/group")+"vigiltest:x:4242:\nvigilextra:x:4243:vigiltest\nvigilroot:x:4244:root\n")
	report := `sh -c 'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G | tr " " ,) $(grep CapEff: /proc/self/status | tr -d "\t") home=$HOME"; exec sleep 1000'`
	conf := writeConfig(t, fmt.Sprintf(`
[program:asroot]
command=%[1]s
[program:test]
command=%[1]s
user=vigiltest
[program:nobody]
command=%[1]s
user=nobody
[program:byid]
command=%[1]s
user=4242
`, report))
	// The namespace is held by a process of its own, so that init is
	// started through programs that exec and never fork (the harness
	// takes the first child it sees for init).
	ns := exec.Command("unshare", "--mount", "sh", "-c", `mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && echo ready && exec sleep 1000`, "sh", passwd, group)
	ready, _ := ns.StdoutPipe()
	ns.Stderr = os.Stderr
	if err := ns.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Process.Kill(); ns.Wait() })
	if line, err := bufio.NewReader(ready).ReadString('\n'); line != "ready\n" {
		t.Fatalf("the test's mount namespace: %q %v", line, err)
	}
	wrap := []string{"nsenter", fmt.Sprintf("--mount=/proc/%d/ns/mnt", ns.Process.Pid), "--", "setpriv", "--groups", "10,4244", "--"}
	in := start(t, run{pid1: true, wrap: wrap, args: []string{"-c", conf}})
	in.waitOutput("asroot | uid=0 gid=0 groups=0,10,4244 CapEff:")
	for _, want := range []string{
		"test   | uid=4242 gid=4242 groups=4242,4243 CapEff:0000000000000000 home=/home/vigiltest\n",
		"nobody | uid=65534 gid=65534 groups=65534 CapEff:0000000000000000 home=/nonexistent\n",
		"byid   | uid=4242 gid=4242 groups=4242,4243 CapEff:0000000000000000 home=/home/vigiltest\n",
	} {
		in.waitOutput(want)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// No shell comes between a command and its program: $VARS, globs, ";",
// "|", backquotes and $(...) reach it as they are written, unless the
// command runs a shell itself.
func TestSecurityNoShell(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	conf := writeConfig(t, fmt.Sprintf(`
[program:literal]
command=printf '[%%%%s]\n' $HOME * a;b x|y $(touch %[1]s) `+"`touch %[1]s`"+` >%[1]s "$HOME" '$HOME'
autorestart=false
startsecs=0
[program:shell]
command=sh -c 'printf "[%%%%s]\n" "$HOME"'
autorestart=false
startsecs=0
`, marker))
	in := start(t, run{pid1: true, env: []string{"HOME=/home/someone"}, args: []string{"-c", conf, "--", "sleep", "1000"}})
	in.waitOutput("shell   | [/home/someone]\n")
	want := ""
	for _, arg := range []string{"$HOME", "*", "a;b", "x|y", "$(touch", marker + ")", "`touch", marker + "`", ">" + marker, "$HOME", "$HOME"} {
		want += "literal | [" + arg + "]\n"
	}
	in.waitOutput(want)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a shell ran the command's words")
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// Secrets stay where they are: environment values never leave through the
// API, XML-RPC, the metrics or the probes; config show masks the values of
// secret-looking names; the API token is not passed to programs; and the
// TCP listener with a token answers 401 to everything but the probes.
func TestSecuritySecrets(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	port := freePort(t)
	conf := writeConfig(t, `
[supervisord]
environment=SHARED_SECRET="s3cr3t-shared"
[program:web]
command=sh -c 'echo "token=${VIGIL_TOKEN-unset} db=${DB_PASSWORD}"; exec sleep 1000'
environment=DB_PASSWORD="hunter2-db",API_KEY="k3y-api",PLAIN="visible"
startsecs=0
`)
	in := start(t, run{pid1: true, env: []string{"VIGIL_TOKEN=t0ken-init"},
		args: []string{"--socket", sock, "--http", fmt.Sprintf("127.0.0.1:%d", port), "-c", conf}})
	// The program gets its own secrets, and not init's token.
	in.waitOutput("web | token=unset db=hunter2-db\n")

	secrets := []string{"s3cr3t-shared", "hunter2-db", "k3y-api", "t0ken-init"}
	c := probeClient(sock)
	var seen bytes.Buffer
	for _, path := range []string{"/api/v1/programs", "/api/v1/init", "/metrics", "/readyz?verbose", "/livez"} {
		code, body := get(c, path)
		if code != 200 {
			t.Errorf("%s: %d", path, code)
		}
		seen.WriteString(body)
	}
	for _, method := range []string{"supervisor.getAllProcessInfo", "supervisor.getAllConfigInfo"} {
		var call bytes.Buffer
		xmlrpc.EncodeCall(&call, method)
		code, b := post(c, "/RPC2", "text/xml", &call)
		if code != 200 {
			t.Fatalf("%s: %d %s", method, code, b)
		}
		seen.WriteString(b)
	}
	if !strings.Contains(seen.String(), `"name":"web"`) {
		t.Fatalf("the answers do not even show the program:\n%s", seen.String())
	}
	for _, s := range secrets {
		if strings.Contains(seen.String(), s) {
			t.Errorf("%q shows through the API, XML-RPC, metrics or probes", s)
		}
	}
	out, code := runCode(t, initBin, "config", "show", "-c", conf)
	if code != 0 || !strings.Contains(out, `PLAIN="visible"`) {
		t.Fatalf("config show: exit %d\n%s", code, out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("config show shows %q:\n%s", s, out)
		}
	}

	// On TCP, with a token: nothing but the probes without it.
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, tc := range []struct{ method, path, auth string }{
		{"GET", "/api/v1/programs", ""},
		{"GET", "/api/v1/programs", "Bearer wrong"},
		{"POST", "/api/v1/shutdown", ""},
		{"POST", "/RPC2", ""},
		{"GET", "/logtail/web/stdout", ""},
		{"GET", "/api/v1/programs/web/log/stdout", "Basic " + "d2ViOnQwa2VuLWluaXQ="}, // web:t0ken-init, as a password
	} {
		header := map[string]string{"Content-Type": "application/json"}
		if tc.auth != "" {
			header["Authorization"] = tc.auth
		}
		if code, b := request(tcpClient, tc.method, base+tc.path, header, strings.NewReader("{}")); code != http.StatusUnauthorized || strings.Contains(b, "hunter2") {
			t.Errorf("%s %s (%s): %d %s", tc.method, tc.path, tc.auth, code, b)
		}
	}
	if code, b := request(tcpClient, "GET", base+"/api/v1/programs", map[string]string{"Authorization": "Bearer t0ken-init"}, nil); code != 200 {
		t.Fatalf("with the token: %d %s", code, b)
	}
	for _, path := range []string{"/livez", "/readyz", "/metrics"} {
		if code, b := request(tcpClient, "GET", base+path, nil, nil); code != 200 {
			t.Errorf("probe %s on TCP: %d %.200s", path, code, b)
		}
	}
	if !regexp.MustCompile(`(?m)^web +RUNNING`).MatchString(mustCtl(t, sock, "status")) {
		t.Error("web did not survive the refused requests")
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// A program's notify socket takes datagrams from the program's user (and
// root) only: a program of another user cannot report it ready, while
// the program itself, dropped to nobody, can.
func TestSecurityNotifySocketIsTheProgramsOwn(t *testing.T) {
	notify := requireTool(t, "systemd-notify", "systemd")
	// A runtime directory every user can reach, as /run/vigil is.
	rt, err := os.MkdirTemp("", "vigil-rt-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	os.Chmod(rt, 0o755)
	sock := filepath.Join(t.TempDir(), "vigil.sock")
	conf := writeConfig(t, fmt.Sprintf(`
[program:svc]
command=sh -c '%[1]s --ready && exec sleep 1000'
user=nobody
ready=notify
[program:slow]
command=sleep 1000
ready=notify
[program:faker]
command=sh -c 'NOTIFY_SOCKET=%[2]s/notify/slow.sock %[1]s --ready; echo "faker: exit $?"; exec sleep 1000'
user=daemon
startsecs=0
`, notify, rt))
	in := start(t, run{pid1: true, args: []string{"--runtime-dir", rt, "--socket", sock, "-c", conf}})
	in.waitOutput("faker: exit ")
	if strings.Contains(in.out.String(), "faker: exit 0") {
		t.Fatalf("another user reached slow's notify socket:\n%s", in.out)
	}
	c := probeClient(sock)
	waitStatus(t, in, c, "/readyz/svc", 200)
	if code, body := get(c, "/readyz/slow"); code != 503 {
		t.Fatalf("slow became ready from another program's datagram: %d %s", code, body)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}
