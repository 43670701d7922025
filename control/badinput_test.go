package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sh/vigil/initproc"
	"github.com/vigil-sh/vigil/xmlrpc"
)

// Bad requests to the control plane: each gets one line saying what is
// wrong, changes nothing, and leaves the server answering the next
// request. The e2e tests repeat the main cases against the real binary.

// logController is a fakeController whose logs behave like the
// supervisor's: a program is found by its exact name, a stream is stdout
// or stderr, and the ring holds what the test put there.
type logController struct {
	fakeController
	out   []byte
	asked []string // name/stream of every Stream call
}

func (l *logController) Stream(_ context.Context, name, stream string) (*initproc.Ring, error) {
	l.asked = append(l.asked, name+"|"+stream)
	switch {
	case name != "web":
		return nil, fmt.Errorf("%w: %s", initproc.ErrBadName, name)
	case stream != "stdout" && stream != "stderr":
		return nil, fmt.Errorf("%w: stream %q: want stdout or stderr", initproc.ErrBadVerb, stream)
	}
	r := initproc.NewRing(64 << 10)
	r.Write(l.out)
	return r, nil
}

// serveReal serves h with the server init uses, limits and timeouts
// included, on a loopback port, until the test ends.
func serveReal(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config = NewServer(h)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// sendRaw sends method path to srv as written, not cleaned or re-escaped
// by the client, and follows no redirect; it returns the status, the
// Location header and the body.
func sendRaw(t *testing.T, srv *httptest.Server, method, path, ctype, body string) (int, string, string) {
	t.Helper()
	r, err := http.NewRequest(method, srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.URL.Opaque = path
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestBadInputOversizedBodies(t *testing.T) {
	f := &fakeController{}
	srv := serveReal(t, NewAPIHandler(f, Options{}))
	c := srv.Client()
	huge := func(prefix, suffix string) io.Reader {
		return io.MultiReader(strings.NewReader(prefix), strings.NewReader(strings.Repeat("x", 10<<20)), strings.NewReader(suffix))
	}
	for _, chunked := range []bool{false, true} {
		// POST /api/v1/control with 10 MB: refused after its first 64 KiB.
		body := huge(`{"verb":"start","names":["`, `"]}`)
		if chunked {
			body = io.MultiReader(body) // no length known up front
		}
		resp, err := c.Post(srv.URL+"/api/v1/control", "application/json", body)
		if err != nil {
			t.Fatalf("chunked=%v: %v", chunked, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("10 MB control request (chunked=%v): %d %q", chunked, resp.StatusCode, b)
		}
		if e, ok := apiError(b); !ok || !strings.Contains(e.Message, "too large") {
			t.Errorf("10 MB control request: %q, want one JSON error of one line that says why", b)
		}
		if f.got.Verb != "" {
			t.Fatalf("an oversized request reached the supervisor: %+v", f.got)
		}

		// XML-RPC with 10 MB: 413, one line, before any method runs.
		resp, err = c.Post(srv.URL+"/RPC2", "text/xml", huge(`<?xml version="1.0"?><methodCall><methodName>supervisor.startProcess</methodName><params><param><value><string>`, `</string></value></param></params></methodCall>`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || bytes.Count(bytes.TrimSpace(b), []byte("\n")) != 0 {
			t.Errorf("10 MB XML-RPC call: %d %q, want 413 and one line", resp.StatusCode, b)
		}
		if f.got.Verb != "" {
			t.Fatalf("an oversized call reached the supervisor: %+v", f.got)
		}
	}
	// The server is fine afterwards.
	resp, err := c.Post(srv.URL+"/api/v1/control", "application/json", strings.NewReader(`{"verb":"stop","names":["web"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || f.got.Verb != "stop" {
		t.Fatalf("after the oversized requests: %d %+v", resp.StatusCode, f.got)
	}
	if v, err := rpcCall(t, srv, "supervisor.getAPIVersion"); v != "3.0" || err != nil {
		t.Fatalf("XML-RPC after the oversized requests: %v %v", v, err)
	}
}

// laughs is the billion laughs: ten levels of ten, 10^9 "lol"s expanded.
func laughs() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString(`]><methodCall><methodName>&lol9;</methodName></methodCall>`)
	return b.String()
}

func TestBadInputMalformedXMLRPC(t *testing.T) {
	f := &fakeController{}
	srv := httptest.NewServer(NewAPIHandler(f, Options{}))
	defer srv.Close()
	call := func(inner string) string {
		return `<?xml version="1.0"?><methodCall><methodName>supervisor.getProcessInfo</methodName><params>` + inner + `</params></methodCall>`
	}
	deep := strings.Repeat("<value><array><data>", xmlrpc.MaxDepth+1) + strings.Repeat("</data></array></value>", xmlrpc.MaxDepth+1)
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"empty body", "", xmlrpc.IncorrectParameters},
		{"not XML", "start web please", xmlrpc.IncorrectParameters},
		{"truncated", `<?xml version="1.0"?><methodCall><methodName>supervisor.getPID`, xmlrpc.IncorrectParameters},
		{"wrong root", `<?xml version="1.0"?><methodResponse/>`, xmlrpc.IncorrectParameters},
		{"mismatched tags", `<methodCall><methodName>x</methodCall></methodName>`, xmlrpc.IncorrectParameters},
		{"unknown value type", call(`<param><value><pickle>x</pickle></value></param>`), xmlrpc.IncorrectParameters},
		{"int overflow", call(`<param><value><int>99999999999999999999999</int></value></param>`), xmlrpc.IncorrectParameters},
		{"invalid UTF-8", call("<param><value>\xff\xfe</value></param>"), xmlrpc.IncorrectParameters},
		{"NUL character reference", call(`<param><value>a&#0;b</value></param>`), xmlrpc.IncorrectParameters},
		{"nested too deep", call(`<param>` + deep + `</param>`), xmlrpc.IncorrectParameters},
		{"billion laughs", laughs(), xmlrpc.IncorrectParameters},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + call(`<param><value>&xxe;</value></param>`), xmlrpc.IncorrectParameters},
		{"external DTD", `<?xml version="1.0"?><!DOCTYPE methodCall SYSTEM "file:///etc/passwd">` + call(""), xmlrpc.IncorrectParameters},
		{"parameter entity", `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>` + call(""), xmlrpc.IncorrectParameters},
		{"undeclared entity", call(`<param><value>&xxe;</value></param>`), xmlrpc.IncorrectParameters},
		{"unknown method", `<methodCall><methodName>os.system</methodName></methodCall>`, xmlrpc.UnknownMethod},
		{"missing parameter", call(""), xmlrpc.SignatureUnsupported},
		{"wrong parameter type", call(`<param><value><int>1</int></value></param>`), xmlrpc.IncorrectParameters},
		{"bad signal name", `<methodCall><methodName>supervisor.signalProcess</methodName><params><param><value>web</value></param><param><value>TERMM</value></param></params></methodCall>`, xmlrpc.BadSignal},
	} {
		t0 := time.Now()
		resp, err := srv.Client().Post(srv.URL+"/RPC2", "text/xml", strings.NewReader(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, err = xmlrpc.DecodeResponse(bytes.NewReader(raw))
		var fault *xmlrpc.Fault
		if !errors.As(err, &fault) || fault.Code != tc.code {
			t.Errorf("%s: got %v, want fault %d\n%s", tc.name, err, tc.code, raw)
			continue
		}
		if msg := fault.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "root:") {
			t.Errorf("%s: fault %q: want one line, and nothing read from a file", tc.name, msg)
		}
		if bytes.Contains(raw, []byte("root:")) || bytes.Contains(raw, []byte("lollol")) {
			t.Errorf("%s: an entity was expanded:\n%s", tc.name, raw)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	if f.got.Verb != "" {
		t.Errorf("a malformed call reached the supervisor: %+v", f.got)
	}
}

// Names in URLs are looked up as they are, in a map: "..", "/" and NUL
// find nothing, and no path is ever built from them (logs are in memory),
// so no request reaches a file.
func TestBadInputPathTricks(t *testing.T) {
	lc := &logController{out: []byte("web's own line\n")}
	srv := httptest.NewServer(NewAPIHandler(lc, Options{}))
	defer srv.Close()
	for _, path := range []string{
		"/api/v1/programs/..%2f..%2fetc%2fpasswd/log/stdout",
		"/api/v1/programs/x%2f..%2fweb/log/stdout",
		"/api/v1/programs/%2e%2e/log/stdout",
		"/api/v1/programs/web%00/log/stdout",
		"/api/v1/programs/web%2f/log/stdout",
		"/api/v1/programs/web/log/..%2f..%2fetc%2fpasswd",
		"/api/v1/programs/../../etc/passwd/log/stdout",
		"/logtail/../../etc/passwd",
		"/logtail/..%2f..%2fetc%2fpasswd/stdout",
		"/logtail/web%2f..%2fweb/stdout",
		"/logtail/web/stdout/../../../etc/passwd",
		"/logtail/web/..%2fstdout",
	} {
		code, loc, body := sendRaw(t, srv, http.MethodGet, path, "", "")
		if code == http.StatusMovedPermanently || code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect {
			// ServeMux cleans ".." segments with a redirect; where it
			// leads is one more request of this table.
			path += " (redirected to " + loc + ")"
			code, _, body = sendRaw(t, srv, http.MethodGet, loc, "", "")
		}
		if code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 404 or 400\n%s", path, code, body)
		}
		if strings.Contains(body, "root:") || strings.Contains(body, "web's own line") {
			t.Errorf("%s: leaked %q", path, body)
		}
	}
	// The real name still works.
	if code, _, body := sendRaw(t, srv, http.MethodGet, "/api/v1/programs/web/log/stdout", "", ""); code != 200 || body != "web's own line\n" {
		t.Errorf("the real log: %d %q", code, body)
	}
}

// Program output is passed on byte for byte by the log endpoints, which
// declare it text/plain without sniffing; XML-RPC, which must be valid
// XML, replaces what XML cannot carry with U+FFFD, as its package says.
func TestBadInputNonUTF8Logs(t *testing.T) {
	out := []byte("caf\xe9 \xff\xfe nul:\x00 esc:\x1b[31m <b>html</b>\n")
	lc := &logController{out: out}
	srv := httptest.NewServer(NewAPIHandler(lc, Options{}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/api/v1/programs/web/log/stdout?bytes=100")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(b, out) {
		t.Errorf("log: %q %v, want the bytes unchanged %q", b, err, out)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("log: headers %v", resp.Header)
	}
	v, err := rpcCall(t, srv, "supervisor.tailProcessStdoutLog", "web", 0, 100)
	tail, _ := v.([]any)
	if err != nil || len(tail) != 3 {
		t.Fatalf("tail over XML-RPC: %v %v", v, err)
	}
	want := "caf\uFFFD \uFFFD\uFFFD nul:\uFFFD esc:\uFFFD[31m <b>html</b>\n"
	if tail[0] != want || tail[1] != len(out) {
		t.Errorf("tail over XML-RPC: %q %v, want %q %d", tail[0], tail[1], want, len(out))
	}
}

// Without credentials, or with wrong ones, the TCP listener answers 401
// to everything but the probes, and nothing reaches the supervisor.
func TestBadInputCredentials(t *testing.T) {
	f := &logController{out: []byte("secret output\n")}
	h := RequireAuth(Credentials{Username: "admin", Password: "s3cret", Token: "tok"}, NewAPIHandler(f, Options{}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/livez", "/healthz", "/readyz", "/readyz/web", "/metrics"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized {
			t.Errorf("probe %s needs credentials", path)
		}
	}
	type auth struct{ header, user, pass string }
	for _, req := range []struct{ method, path, ctype, body string }{
		{"GET", "/api/v1/programs", "", ""},
		{"POST", "/api/v1/control", "application/json", `{"verb":"stop","names":["all"]}`},
		{"POST", "/api/v1/shutdown", "application/json", ""},
		{"POST", "/api/v1/update", "application/json", ""},
		{"POST", "/RPC2", "text/xml", `<methodCall><methodName>supervisor.shutdown</methodName></methodCall>`},
		{"GET", "/logtail/web/stdout", "", ""},
		{"GET", "/api/v1/programs/web/log/stdout", "", ""},
	} {
		for _, a := range []auth{
			{},
			{user: "admin", pass: "wrong"},
			{user: "admin", pass: ""},
			{user: "", pass: "s3cret"},
			{user: "ADMIN", pass: "s3cret"},
			{user: "admin", pass: "s3cret "},
			{header: "Bearer nope"},
			{header: "Bearer "},
			{header: "Bearer tok2"},
			{header: "bearer tok"},
			{header: "Basic !!!not-base64"},
			{header: "Basic YWRtaW4="}, // "admin", no colon
			{header: "Token tok"},
		} {
			r, _ := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader(req.body))
			if req.ctype != "" {
				r.Header.Set("Content-Type", req.ctype)
			}
			if a.user != "" || a.pass != "" {
				r.SetBasicAuth(a.user, a.pass)
			}
			if a.header != "" {
				r.Header.Set("Authorization", a.header)
			}
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %+v: %d, want 401", req.method, req.path, a, resp.StatusCode)
				continue
			}
			if _, ok := apiError(b); !ok {
				t.Errorf("%s %s with %+v: %q, want one JSON error of one line", req.method, req.path, a, b)
			}
			if strings.Contains(string(b), "secret output") {
				t.Errorf("%s leaked the log", req.path)
			}
		}
	}
	// The open probe paths are no way round: ServeMux routes on the path
	// as sent, and sends ".." back as a redirect to the cleaned path,
	// which asks for the credentials again.
	for _, path := range []string{
		"/readyz/../api/v1/programs", "/readyz/..%2fapi%2fv1%2fprograms", "/livez/../RPC2",
		"/readyz/../../logtail/web/stdout", "/metrics/../api/v1/shutdown",
	} {
		for _, method := range []string{"GET", "POST"} {
			code, loc, b := sendRaw(t, srv, method, path, "application/json", `{"verb":"stop","names":["all"]}`)
			if loc != "" {
				if code, _, _ := sendRaw(t, srv, method, loc, "", ""); code != http.StatusUnauthorized {
					t.Errorf("%s %s redirects to %s, which answers %d without credentials", method, path, loc, code)
				}
			}
			if strings.Contains(b, `"pid":42`) || strings.Contains(b, "secret output") {
				t.Errorf("%s %s: %d %s", method, path, code, b)
			}
		}
	}
	if f.got.Verb != "" || len(f.asked) != 0 {
		t.Errorf("an unauthenticated request reached the supervisor: %+v %q", f.got, f.asked)
	}
}

// A client that connects and sends nothing, or drips its header, is cut
// off after the header timeout, while others are served meanwhile.
func TestBadInputSlowClient(t *testing.T) {
	if readHeaderTimeout > 10*time.Second {
		t.Fatalf("readHeaderTimeout %v: a slow client holds a connection that long", readHeaderTimeout)
	}
	srv := serveReal(t, NewHandler(&fakeSource{}, Options{}))
	for _, tc := range []struct {
		name string
		send func(c net.Conn, stop <-chan struct{})
	}{
		{"silent", func(net.Conn, <-chan struct{}) {}},
		{"drip", func(c net.Conn, stop <-chan struct{}) {
			c.Write([]byte("GET /livez HTTP/1.1\r\nHost: x\r\n"))
			tick := time.NewTicker(500 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := fmt.Fprintf(c, "X-%d: y\r\n", i); err != nil {
						return
					}
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			stop := make(chan struct{})
			defer close(stop)
			go tc.send(c, stop)
			t0 := time.Now()
			// Meanwhile the server answers others.
			resp, err := srv.Client().Get(srv.URL + "/livez")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("/livez while a client dawdles: %v %v", resp, err)
			}
			resp.Body.Close()
			c.SetReadDeadline(t0.Add(readHeaderTimeout + 3*time.Second))
			_, err = io.Copy(io.Discard, bufio.NewReader(c))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the connection was still open %v after connecting", time.Since(t0))
			}
			if d := time.Since(t0); d < readHeaderTimeout-time.Second {
				t.Errorf("closed after %v, before the header timeout %v", d, readHeaderTimeout)
			}
		})
	}
}

// A start that ends in a spawn error says so, with the reason and path,
// in the API's result and as supervisord's SPAWN_ERROR over XML-RPC.
func TestBadInputSpawnErrorReported(t *testing.T) {
	spawnErr := fmt.Errorf("%w: /srv/app: permission denied", initproc.ErrSpawn)
	f := &fakeController{res: []initproc.Result{{Name: "web", Group: "web", Err: spawnErr}}}
	h := NewAPIHandler(f, Options{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	w := post(h, "application/json", `{"verb":"start","names":["web"],"wait":true}`)
	var out struct{ Results []ResultJSON }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Results) != 1 || out.Results[0].Error == nil ||
		out.Results[0].Error.Message != "spawn error: /srv/app: permission denied" || out.Results[0].Error.Code != "SPAWN_ERROR" {
		t.Errorf("API: %d %s", w.Code, w.Body)
	}
	if _, err := rpcCall(t, srv, "supervisor.startProcess", "web"); faultCode(err) != xmlrpc.SpawnError {
		t.Errorf("XML-RPC startProcess: %v, want SPAWN_ERROR", err)
	}
	f.res[0].Err = fmt.Errorf("%w: FATAL", initproc.ErrGaveUp)
	if _, err := rpcCall(t, srv, "supervisor.startProcess", "web"); faultCode(err) != xmlrpc.AbnormalTermination {
		t.Errorf("XML-RPC startProcess: %v, want ABNORMAL_TERMINATION", err)
	}
}
