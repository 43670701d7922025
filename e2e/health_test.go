package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// probeClient talks HTTP over init's control socket.
func probeClient(sock string) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}}
}

// request sends one request and returns the status code and the body, or
// 0 and the error when nothing answers (yet), so that one call serves a
// wait as well as an assertion. Every HTTP request of the tests goes
// through it: over the control socket with get and post, over TCP with
// tcpClient.
func request(c *http.Client, method, url string, header map[string]string, body io.Reader) (int, string) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, err.Error()
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err.Error()
	}
	return resp.StatusCode, string(b)
}

// tcpClient is for init's TCP listener what probeClient is for its
// socket: a request that hangs fails instead of stalling the test.
var tcpClient = &http.Client{Timeout: 10 * time.Second}

// get GETs path over the control socket (c from probeClient).
func get(c *http.Client, path string) (int, string) {
	return request(c, http.MethodGet, "http://vigil"+path, nil, nil)
}

// post POSTs body, of content type ctype, to path over the control socket.
func post(c *http.Client, path, ctype string, body io.Reader) (int, string) {
	return request(c, http.MethodPost, "http://vigil"+path, map[string]string{"Content-Type": ctype}, body)
}

// waitStatus waits until path answers code over the socket and returns
// the body of that answer.
func waitStatus(t *testing.T, in *instance, c *http.Client, path string, code int) string {
	t.Helper()
	var body string
	in.waitFor(fmt.Sprintf("%s to answer %d", path, code), 20*time.Second, func() bool {
		var got int
		got, body = get(c, path)
		return got == code
	})
	return body
}

func TestReadinessFollowsPrograms(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	healthy := filepath.Join(dir, "healthy")
	ready := filepath.Join(dir, "ready")
	conf := writeConfig(t, fmt.Sprintf(`
[program:web]
command=sleep 1000
startsecs=1
healthcheck_command=test -e %s
healthcheck_interval=100ms
healthcheck_timeout=1s
healthcheck_retries=1
[program:notifier]
command=@PROG@ notify %s
ready=notify
[program:after]
command=sh -c 'echo after started; exec sleep 1000'
depends_on=notifier
`, healthy, ready))
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "--runtime-dir", dir, "-c", conf}})
	c := probeClient(sock)
	waitStatus(t, in, c, "/livez", 200)
	waitStatus(t, in, c, "/healthz", 200)
	body := waitStatus(t, in, c, "/readyz", 503)
	if !strings.Contains(body, "[-]web not ready") {
		t.Fatalf("readyz body does not name web:\n%s", body)
	}
	os.WriteFile(healthy, nil, 0o644)
	body = waitStatus(t, in, c, "/readyz/web", 200)
	if code, body := get(c, "/readyz?verbose"); code != 503 || !strings.Contains(body, "[-]notifier") || !strings.Contains(body, "[-]after not ready: waiting for notifier") {
		t.Fatalf("notifier ready before it said so, or after not waiting: %d\n%s", code, body)
	}
	if strings.Contains(in.out.String(), "after started") {
		t.Fatal("a dependant started before its dependency was ready")
	}
	os.WriteFile(ready, nil, 0o644)
	waitStatus(t, in, c, "/readyz", 200)
	in.waitOutput("after started")
	// Unhealthy again: not ready, but still live.
	os.Remove(healthy)
	body = waitStatus(t, in, c, "/readyz", 503)
	if !strings.Contains(body, "health check unhealthy") {
		t.Fatalf("readyz does not say why:\n%s", body)
	}
	waitStatus(t, in, c, "/livez", 200)
	// The exec-probe forms of the same two answers.
	if out, code := ctl(t, sock, "health"); code != 3 || !strings.Contains(out, "[-]web not ready") {
		t.Fatalf("ctl health while web is unhealthy: exit %d\n%s", code, out)
	}
	if out, code := ctl(t, sock, "health", "--live"); code != 0 {
		t.Fatalf("ctl health --live while init runs: exit %d\n%s", code, out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestMetricsParseAndMove(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	conf := writeConfig(t, `
[program:crashy]
command=sh -c 'sleep 0.3; exit 3'
startsecs=0
autorestart=true
[program:steady]
command=sleep 1000
`)
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	c := probeClient(sock)
	waitStatus(t, in, c, "/livez", 200)
	var restarts float64
	in.waitFor("crashy to restart twice", 20*time.Second, func() bool {
		code, body := get(c, "/metrics")
		if code != 200 {
			return false
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatalf("metrics do not parse: %v", err)
		}
		for _, m := range fams["vigil_program_restarts_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "program" && l.GetValue() == "crashy" {
					restarts = m.GetCounter().GetValue()
				}
			}
		}
		up := fams["vigil_program_up"]
		return restarts >= 2 && up != nil && len(up.GetMetric()) == 2 &&
			strings.Contains(body, `vigil_program_state{group="steady",program="steady",state="RUNNING"} 1`)
	})
	_, body := get(c, "/metrics")
	for _, want := range []string{`vigil_program_last_exit_code{group="crashy",program="crashy"} 3`,
		`vigil_program_state{group="steady",program="steady",state="RUNNING"} 1`, "vigil_build_info", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

func TestWaitReady(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	conf := writeConfig(t, fmt.Sprintf(`
[program:db]
command=@PROG@ notify %s
ready=notify
`, ready))
	sock := filepath.Join(dir, "s")
	in := start(t, run{pid1: true, args: []string{"-v", "--runtime-dir", dir, "--socket", sock, "--wait-ready", "-c", conf, "--", "sh", "-c", "echo main started; exit 4"}})
	// Once the loop answers, startup is over: without --wait-ready the
	// main command would have been started by then.
	waitStatus(t, in, probeClient(sock), "/readyz", 503)
	if strings.Contains(in.out.String(), "started main command") {
		t.Fatal("the main command started before the programs were ready")
	}
	os.WriteFile(ready, nil, 0o644)
	if code := in.wait(20 * time.Second); code != 4 || !strings.Contains(in.out.String(), "main started") {
		t.Fatalf("exit %d\n%s", code, in.out)
	}
	never := start(t, run{pid1: true, args: []string{"--runtime-dir", dir, "--socket", filepath.Join(dir, "s2"), "--wait-ready=500ms", "-c", writeConfig(t, `
[program:db]
command=sleep 1000
ready=notify
`), "--", "echo", "main started"}})
	if code := never.wait(20 * time.Second); code != 1 || strings.Contains(never.out.String(), "main started") || !strings.Contains(never.out.String(), "programs not ready in time") {
		t.Fatalf("exit %d\n%s", code, never.out)
	}
}

func TestFatalProgramIsNotReady(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "vigil.sock")
	conf := writeConfig(t, `
[program:broken]
command=sh -c 'exit 1'
startretries=0
[program:fine]
command=sleep 1000
startsecs=0
`)
	in := start(t, run{pid1: true, args: []string{"--socket", sock, "-c", conf}})
	c := probeClient(sock)
	in.waitFor("broken to be FATAL in /readyz", 20*time.Second, func() bool {
		code, body := get(c, "/readyz")
		return code == 503 && strings.Contains(body, "[-]broken not ready: state FATAL")
	})
	if code, _ := get(c, "/readyz/fine"); code != 200 {
		t.Fatalf("/readyz/fine: %d", code)
	}
	if code, body := get(c, "/readyz/nosuch"); code != 404 {
		t.Fatalf("/readyz/nosuch: %d %s", code, body)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// A program stops before the programs it depends on, whatever their
// priorities say.
func TestDependantsStopFirst(t *testing.T) {
	trap := `sh -c 'trap "echo %[1]s stopping; exit 0" TERM; echo %[1]s up; sleep 1000 & wait'`
	conf := writeConfig(t, fmt.Sprintf(`
[program:db]
command=%s
priority=900
startsecs=1
[program:app]
command=%s
priority=1
startsecs=0
depends_on=db
`, fmt.Sprintf(trap, "db"), fmt.Sprintf(trap, "app")))
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	in.waitOutput("app up\n")
	out := in.out.String()
	if strings.Index(out, "db up") > strings.Index(out, "app up") {
		t.Fatalf("app started before db:\n%s", out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
	out = in.out.String()
	if a, d := strings.Index(out, "app stopping"), strings.Index(out, "db stopping"); a < 0 || d < 0 || a > d {
		t.Fatalf("db stopped before app, which depends on it:\n%s", out)
	}
}

// A program that stops its WATCHDOG=1 pings, and one whose health check
// fails with healthcheck_restart, are restarted.
func TestWatchdogAndUnhealthyRestart(t *testing.T) {
	dir := t.TempDir()
	alive := filepath.Join(dir, "alive")
	healthy := filepath.Join(dir, "healthy")
	os.WriteFile(alive, nil, 0o644)
	os.WriteFile(healthy, nil, 0o644)
	conf := writeConfig(t, fmt.Sprintf(`
[program:dog]
command=@PROG@ watchdog %s
ready=notify
watchdog_timeout=500ms
[program:sick]
command=sh -c 'echo sick started; exec sleep 1000'
startsecs=0
healthcheck_command=test -e %s
healthcheck_interval=100ms
healthcheck_retries=2
healthcheck_restart=true
`, alive, healthy))
	in := start(t, run{pid1: true, args: []string{"--runtime-dir", dir, "--socket", filepath.Join(dir, "s"), "-c", conf}})
	in.waitOutput("dog  | watchdog started 500000\n")
	in.waitOutput("sick | sick started\n")
	os.Remove(alive)
	in.waitOutput("watchdog timeout")
	in.waitFor("dog to be restarted", 10*time.Second, func() bool {
		return strings.Count(in.out.String(), "watchdog started") == 2
	})
	os.Remove(healthy)
	in.waitOutput("restarting unhealthy program")
	in.waitFor("sick to be restarted", 10*time.Second, func() bool {
		return strings.Count(in.out.String(), "sick started") >= 2
	})
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}
