package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

type fakeController struct {
	got initproc.Request
	err error
	res []initproc.Result
}

func (f *fakeController) Snapshot(context.Context) (initproc.InitStatus, error) {
	return initproc.InitStatus{Programs: []initproc.ProgramStatus{{Name: "web", Group: "web", State: initproc.Running,
		Pid: 42, Start: time.Now().Add(-62 * time.Second), ExitCode: -1}}}, nil
}

func (f *fakeController) Control(_ context.Context, r initproc.Request) ([]initproc.Result, error) {
	f.got = r
	return f.res, f.err
}

func (f *fakeController) Reread(context.Context) (initproc.Diff, error) {
	return initproc.Diff{Added: []string{"new"}}, f.err
}

func (f *fakeController) Update(context.Context) (initproc.Diff, error) {
	return initproc.Diff{Changed: []string{"web"}}, f.err
}

func (f *fakeController) Shutdown(context.Context) error { return f.err }

func (f *fakeController) Stream(_ context.Context, name, stream string) (*initproc.Ring, error) {
	if name != "web" {
		return nil, initproc.ErrBadName
	}
	r := initproc.NewRing(1 << 10)
	r.Write([]byte("line 1\nline 2\n"))
	return r, nil
}

func TestLogTail(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/programs/web/log/stdout?bytes=7", nil))
	if w.Code != 200 || w.Body.String() != "line 2\n" {
		t.Fatalf("%d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/programs/nope/log/stdout", nil))
	if w.Code != 404 {
		t.Fatalf("unknown program: %d", w.Code)
	}
}

func post(h http.Handler, ctype, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/control", strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// apiError decodes an API error answer; ok says it is one JSON object
// with a code and a message of one line.
func apiError(body []byte) (e ErrorJSON, ok bool) {
	var v struct{ Error ErrorJSON }
	err := json.Unmarshal(body, &v)
	return v.Error, err == nil && v.Error.Code != "" && v.Error.Message != "" && !strings.ContainsAny(v.Error.Message, "\n\r")
}

func TestControlAPI(t *testing.T) {
	f := &fakeController{res: []initproc.Result{{Name: "web", Group: "web"}, {Name: "db", Group: "db", Err: initproc.ErrNotRunning}}}
	h := NewAPIHandler(f, Options{})
	w := post(h, "application/json", `{"verb":"signal","names":["all"],"signal":"HUP","wait":true}`)
	if w.Code != 200 || f.got.Signal != syscall.SIGHUP || !f.got.Wait || f.got.Names[0] != "all" {
		t.Fatalf("%d %s %+v", w.Code, w.Body, f.got)
	}
	if !strings.Contains(w.Body.String(), `"name":"db","group":"db","error":{"code":"NOT_RUNNING"`) {
		t.Fatalf("per-program error missing: %s", w.Body)
	}
	for _, tc := range []struct {
		ctype, body string
		err         error
		status      int
		code        string
	}{
		{"text/plain", `{"verb":"start","names":["a"]}`, nil, 415, "BAD_REQUEST"},
		{"application/json", `{"verb":"start","names":["a"],"bogus":1}`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"start","names":[]}`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"signal","names":["a"],"signal":"NOPE"}`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"start"`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"start","names":["a"]}{"verb":"stop","names":["b"]}`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"start","names":["a"]} x`, nil, 400, "BAD_REQUEST"},
		{"application/json", `{"verb":"start","names":["x"]}`, fmt.Errorf("%w: x", initproc.ErrBadName), 404, "BAD_NAME"},
		{"application/json", `{"verb":"start","names":["x"]}`, initproc.ErrShuttingDown, 503, "SHUTTING_DOWN"},
		{"application/json", `{"verb":"start","names":["x"]}`, initproc.ErrNotResponding, 503, "NOT_RESPONDING"},
		{"application/json", `{"verb":"start","names":["x"],"p":"` + strings.Repeat("x", 70<<10) + `"}`, nil, 413, "TOO_LARGE"},
	} {
		f.err = tc.err
		w := post(h, tc.ctype, tc.body)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), `"code":"`+tc.code+`"`) {
			t.Errorf("%.60s: got %d %s, want %d %s", tc.body, w.Code, w.Body, tc.status, tc.code)
		}
	}
}

func TestProgramsAPI(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/programs", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"description":"pid 42, uptime 0:01:02"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	// The probes' handler, which refuses changes, stays in front of the rest.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/livez", nil))
	if w.Code != 405 {
		t.Fatalf("POST /livez: %d", w.Code)
	}
}

func TestDescribe(t *testing.T) {
	now := time.Date(2026, 11, 24, 19, 1, 0, 0, time.Local)
	for _, tc := range []struct {
		p    initproc.ProgramStatus
		want string
	}{
		{initproc.ProgramStatus{State: initproc.Running, Pid: 7, Start: now.Add(-3723 * time.Second)}, "pid 7, uptime 1:02:03"},
		{initproc.ProgramStatus{State: initproc.Stopped}, "Not started"},
		{initproc.ProgramStatus{State: initproc.Exited, Stop: now}, "Nov 24 07:01 PM"},
		{initproc.ProgramStatus{State: initproc.Fatal, SpawnErr: "x: command not found"}, "x: command not found"},
	} {
		if got := Describe(tc.p, now); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

// The page shows every field of the programs' JSON, so it must hold
// nothing a program's environment or command line could leak; uptime
// was added for the page and is counted by init, not by the browser.
func TestProgramsJSONFields(t *testing.T) {
	w := record(NewAPIHandler(&fakeController{}, Options{}), "GET", "/api/v1/programs")
	var got []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got) != 1 {
		t.Fatalf("%v: %s", err, w.Body)
	}
	if got[0]["uptime"] != float64(62) {
		t.Errorf("uptime %v, want 62", got[0]["uptime"])
	}
	allowed := "name group state statecode pid start stop exitcode spawnerr restarts uptime ready wanted autostart priority why health status description"
	for k := range got[0] {
		if !slices.Contains(strings.Fields(allowed), k) {
			t.Errorf("programs JSON has field %q: review it for secrets, then allow it here", k)
		}
	}
	stopped := programJSON(initproc.ProgramStatus{State: initproc.Exited, Start: time.Now().Add(-time.Hour), ExitCode: 1}, time.Now())
	if stopped.Uptime != 0 {
		t.Errorf("uptime of a program that is not running: %d", stopped.Uptime)
	}
}
