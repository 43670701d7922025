package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// user= drops to the user's uid and gid and to its groups only (none of
// root's), and sets HOME, USER and LOGNAME; directory= and umask= apply.
func TestUserDirectoryUmask(t *testing.T) {
	conf := writeConfig(t, `
[program:who]
command=sh -c 'echo "ids=$(id -u):$(id -g):$(id -G) user=$USER logname=$LOGNAME pwd=$(pwd) umask=$(umask) sup=$SUPERVISOR_ENABLED"; exec sleep 1000'
user=nobody
directory=/tmp
umask=027
`)
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitOutput("who | ids=65534:65534:65534 user=nobody logname=nobody pwd=/tmp umask=0027 sup=1\n")
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestUnknownUserIsASpawnError(t *testing.T) {
	conf := writeConfig(t, `
[program:ghost]
command=true
user=no-such-user-here
startretries=0
`)
	in := start(t, run{pid1: true, noWait: true, args: []string{"-c", conf, "--", "sleep", "1000"}})
	in.waitOutput(`user \"no-such-user-here\": no such user`)
	in.waitOutput("gave up: ghost entered FATAL state")
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// The environment precedence the README documents, lowest first: init's
// environment, --env-file, [supervisord] environment, the program's
// env_file, the program's environment.
func TestEnvironmentPrecedence(t *testing.T) {
	dir := t.TempDir()
	initEnv := filepath.Join(dir, "init.env")
	progEnv := filepath.Join(dir, "prog.env")
	os.WriteFile(initEnv, []byte("# init's env file\nX=file\nB=file\nA=file\n"), 0o644)
	os.WriteFile(progEnv, []byte("C=progfile\nD=progfile\n"), 0o644)
	conf := writeConfig(t, fmt.Sprintf(`
[supervisord]
environment=B="sup",C="sup"

[program:env]
command=sh -c 'echo "X=$X A=$A B=$B C=$C D=$D E=%%(ENV_A)s"; exec sleep 1000'
env_file=%s
environment=D="prog"
`, progEnv))
	in := start(t, run{pid1: true, env: []string{"X=init"}, args: []string{"--env-file", initEnv, "-c", conf}})
	in.waitOutput("env | X=file A=file B=sup C=progfile D=prog E=file\n")
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestBadEnvFileNamesTheLine(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.env")
	os.WriteFile(bad, []byte("OK=1\nthis is not a variable\n"), 0o644)
	in := start(t, run{noWait: true, args: []string{"--env-file", bad, "true"}})
	if code := in.wait(10 * time.Second); code != 2 || !strings.Contains(in.out.String(), "bad.env:2") {
		t.Fatalf("exit %d, want 2 and bad.env:2 in:\n%s", code, in.out)
	}
}

// stdout_logfile=PATH writes the raw lines to the file, rotated, and not
// to init's output; stderr still goes to init's stderr.
func TestLogFileWithRotation(t *testing.T) {
	log := filepath.Join(t.TempDir(), "app.log")
	conf := writeConfig(t, fmt.Sprintf(`
[program:p0]
command=sh -c '@PROG@ lines p0 2000; echo to-stderr >&2; exec sleep 1000'
stdout_logfile=%s
stdout_logfile_maxbytes=20KB
stdout_logfile_backups=2
`, log))
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitOutput("p0 | to-stderr\n")
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
	if strings.Contains(in.out.String(), "p0 | p0 ") {
		t.Fatalf("stdout went to init's output as well as the file")
	}
	var all string
	for _, name := range []string{log + ".2", log + ".1", log} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(b) > 20*1024 {
			t.Fatalf("%s has %d bytes, over maxbytes", name, len(b))
		}
		all += string(b)
	}
	if _, err := os.Stat(log + ".3"); err == nil {
		t.Fatal("more backups than stdout_logfile_backups")
	}
	lines := strings.Split(strings.TrimSuffix(all, "\n"), "\n")
	last := lines[len(lines)-1]
	if last != "p0 1999 "+strings.Repeat("x", 1999%97) {
		t.Fatalf("last line kept is %q", last)
	}
}
