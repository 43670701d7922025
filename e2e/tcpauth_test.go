package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freePort is a TCP port free on the loopback right now, for a listener
// of init's.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// supervisorctl over TCP with basic auth ({SHA} password on the server
// side); probes stay open; a request without credentials is refused.
func TestSupervisorctlOverTCPWithAuth(t *testing.T) {
	bin := requireTool(t, "supervisorctl", "supervisor")
	port := freePort(t)
	conf := writeConfig(t, fmt.Sprintf(`
[inet_http_server]
port=127.0.0.1:%d
username=admin
password={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4

[supervisorctl]
serverurl=http://127.0.0.1:%d
username=admin
password=secret

[program:web]
command=sleep 1000
startsecs=0
`, port, port))
	in := start(t, run{pid1: true, args: []string{"-c", conf}})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	in.waitFor("the TCP listener", 10*time.Second, func() bool {
		code, _ := request(tcpClient, "GET", base+"/livez", nil, nil)
		return code == 200
	})
	if code, b := request(tcpClient, "POST", base+"/RPC2", map[string]string{"Content-Type": "text/xml"},
		strings.NewReader(`<?xml version="1.0"?><methodCall><methodName>supervisor.getPID</methodName></methodCall>`)); code != 401 {
		t.Fatalf("unauthenticated XML-RPC: %d %s", code, b)
	}
	if code, b := request(tcpClient, "GET", base+"/api/v1/programs", nil, nil); code != 401 {
		t.Fatalf("unauthenticated API: %d %s", code, b)
	}
	out, err := exec.Command(bin, "-c", conf, "restart", "web").CombinedOutput()
	if err != nil || string(out) != "web: stopped\nweb: started\n" {
		t.Fatalf("supervisorctl restart over TCP: %v\n%s", err, out)
	}
	// init ctl finds init the same way: [supervisorctl] serverurl and its
	// credentials.
	if out, err := exec.Command(initBin, "ctl", "-c", conf, "status").CombinedOutput(); err != nil || !strings.Contains(string(out), "web") {
		t.Fatalf("ctl -c over TCP: %v\n%s", err, out)
	}
	if out, err := exec.Command(initBin, "ctl", "--server", base, "status").CombinedOutput(); err == nil || !strings.Contains(string(out), "401") {
		t.Fatalf("ctl without credentials was not refused: %v\n%s", err, out)
	}
	wrong := strings.Replace(mustRead(t, conf), "password=secret", "password=nope", 1)
	writeFile(t, conf, wrong)
	out, _ = exec.Command(bin, "-c", conf, "status").CombinedOutput()
	if !strings.Contains(string(out), "Server requires authentication") {
		t.Fatalf("wrong password accepted:\n%s", out)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// Without credentials a non-loopback listener serves only the probes.
func TestNoCredentialsNoStateChangesOverTheNetwork(t *testing.T) {
	port := freePort(t)
	in := start(t, run{pid1: true, args: []string{"-v", "--http", fmt.Sprintf("0.0.0.0:%d", port), "-c",
		writeConfig(t, "[program:web]\ncommand=sleep 1000\nstartsecs=0\n")}})
	in.waitOutput("serves probes and metrics only")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if code, body := request(tcpClient, "GET", base+"/readyz", nil, nil); code != 200 {
		t.Fatalf("readyz: %d %s", code, body)
	}
	code, body := request(tcpClient, "POST", base+"/api/v1/shutdown", map[string]string{"Content-Type": "application/json"}, nil)
	if code != http.StatusForbidden || !strings.Contains(body, "PROBES_ONLY") {
		t.Fatalf("state change without credentials: %d %s", code, body)
	}
	in.signal(syscall.SIGTERM)
	in.wait(20 * time.Second)
}

// mustRead is a file the test needs, as text.
func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
