package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"time"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/initproc"
)

// Controller is a Source that also takes requests; *initproc.Supervisor
// implements it.
type Controller interface {
	Source
	Control(ctx context.Context, r initproc.Request) ([]initproc.Result, error)
	Reread(ctx context.Context) (initproc.Diff, error)
	Update(ctx context.Context) (initproc.Diff, error)
	Shutdown(ctx context.Context) error
	LogSource
}

// requestTimeout bounds a request that waits for programs to start or stop:
// longer than any sane stopwaitsecs, short of hanging a client for ever.
const requestTimeout = 5 * time.Minute

// NewAPIHandler serves the probes and metrics, the versioned JSON API
// under /api/v1 and the web page at / that uses it. The API changes state
// and has no authentication of its own: on the control socket the file
// mode is the access control, on TCP the caller wraps it in RequireAuth.
// Browsers' cross-site requests are refused (sameOrigin).
func NewAPIHandler(c Controller, opts Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", NewHandler(c, opts))
	handleWeb(mux)
	a := api{c: c}
	mux.HandleFunc("GET /api/v1/programs", a.programs)
	mux.Handle("POST /api/v1/control", jsonOnly(a.control))
	mux.Handle("POST /api/v1/reread", jsonOnly(a.reload(c.Reread)))
	mux.Handle("POST /api/v1/update", jsonOnly(a.reload(c.Update)))
	mux.HandleFunc("GET /api/v1/programs/{name}/log/{stream}", logTail(c))
	mux.Handle("POST /api/v1/shutdown", jsonOnly(a.shutdown))
	mux.HandleFunc("GET /api/v1/init", a.init)
	mux.Handle("/RPC2", newRPC(c, opts.Version))
	// supervisorctl tail -f streams from here.
	mux.HandleFunc("GET /logtail/{name}/{stream}", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("follow", "1")
		r.URL.RawQuery = q.Encode()
		logTail(c)(w, r)
	})
	return sameOrigin(mux)
}

// DiffJSON is the answer of reread and update.
type DiffJSON struct {
	Added   []string `json:"added"`
	Changed []string `json:"changed"`
	Removed []string `json:"removed"`
}

// reload serves reread or update. A config with errors is a 422 whose
// message has every error, one per line, with file and line.
func (a api) reload(fn func(context.Context) (initproc.Diff, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		d, err := fn(ctx)
		if err != nil {
			status, code := errorCode(err)
			if code == "FAILED" {
				status, code = http.StatusUnprocessableEntity, "CANT_REREAD"
			}
			writeError(w, status, code, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, DiffJSON{Added: nonNil(d.Added), Changed: nonNil(d.Changed), Removed: nonNil(d.Removed)})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type api struct{ c Controller }

// ProgramJSON is a program as the API shows it.
type ProgramJSON struct {
	Name        string  `json:"name"`
	Group       string  `json:"group"`
	State       string  `json:"state"`
	StateCode   int     `json:"statecode"`
	Pid         int     `json:"pid"`
	Start       float64 `json:"start"` // unix seconds; 0 when never started
	Stop        float64 `json:"stop"`
	ExitCode    int     `json:"exitcode"` // -1 when it never exited
	SpawnErr    string  `json:"spawnerr,omitempty"`
	Restarts    uint64  `json:"restarts"`
	Uptime      int64   `json:"uptime"` // whole seconds the current process has run; 0 when none runs
	Ready       bool    `json:"ready"`
	Wanted      bool    `json:"wanted"`
	AutoStart   bool    `json:"autostart"`
	Priority    int     `json:"priority"`
	Why         string  `json:"why,omitempty"`
	Health      string  `json:"health"`
	Status      string  `json:"status,omitempty"`
	Description string  `json:"description"`
}

// ControlRequest is the body of POST /api/v1/control.
type ControlRequest struct {
	Verb   string   `json:"verb"` // start, stop, restart, signal
	Names  []string `json:"names"`
	Signal string   `json:"signal,omitempty"`
	Wait   bool     `json:"wait,omitempty"`
}

// ResultJSON is the outcome for one program.
type ResultJSON struct {
	Name  string     `json:"name"`
	Group string     `json:"group"`
	Error *ErrorJSON `json:"error,omitempty"`
}

// ErrorJSON is every error of the API: a stable code and a message.
type ErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// snapshot takes a snapshot for a request, answering 503 when init does
// not answer in time.
func (a api) snapshot(w http.ResponseWriter, r *http.Request) (initproc.InitStatus, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), DefaultLivenessTimeout)
	defer cancel()
	st, err := a.c.Snapshot(ctx)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "NOT_RESPONDING", err.Error())
		return st, false
	}
	return st, true
}

func (a api) programs(w http.ResponseWriter, r *http.Request) {
	st, ok := a.snapshot(w, r)
	if !ok {
		return
	}
	now := time.Now()
	out := make([]ProgramJSON, 0, len(st.Programs))
	for _, p := range st.Programs {
		out = append(out, programJSON(p, now))
	}
	writeJSON(w, http.StatusOK, out)
}

func programJSON(p initproc.ProgramStatus, now time.Time) ProgramJSON {
	return ProgramJSON{Name: p.Name, Group: p.Group, State: p.State.String(), StateCode: int(p.State),
		Pid: p.Pid, Start: optSeconds(p.Start), Stop: optSeconds(p.Stop), ExitCode: p.ExitCode,
		SpawnErr: p.SpawnErr, Restarts: p.Restarts, Uptime: int64(Uptime(p, now) / time.Second), Ready: p.Ready, Wanted: p.Wanted, AutoStart: p.AutoStart, Priority: p.Priority, Why: p.Why, Health: p.Health.String(),
		Status: p.Status, Description: Describe(p, now)}
}

// optSeconds is unixSeconds with 0 for "never".
func optSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return unixSeconds(t)
}

func (a api) control(w http.ResponseWriter, r *http.Request) {
	req, err := decodeControl(http.MaxBytesReader(w, r.Body, maxControlBody))
	if tooLarge(err) {
		writeError(w, http.StatusRequestEntityTooLarge, "TOO_LARGE", fmt.Sprintf("request body too large: the limit is %d bytes", maxControlBody))
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "request body: "+err.Error())
		return
	}
	ir, err := toRequest(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	results, err := a.c.Control(ctx, ir)
	if err != nil {
		status, code := errorCode(err)
		writeError(w, status, code, err.Error())
		return
	}
	out := make([]ResultJSON, 0, len(results))
	for _, res := range results {
		rj := ResultJSON{Name: res.Name, Group: res.Group}
		if res.Err != nil {
			_, code := errorCode(res.Err)
			rj.Error = &ErrorJSON{Code: code, Message: res.Err.Error()}
		}
		out = append(out, rj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// maxControlBody is far more than any list of program names needs.
const maxControlBody = 64 << 10

// jsonOnly refuses a state-changing request whose body is not declared
// JSON: a plain HTML form cannot send that content type, so a page in a
// browser cannot forge one even where the origin check does not apply.
func jsonOnly(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "BAD_REQUEST", "send the request as Content-Type: application/json")
			return
		}
		next(w, r)
	})
}

// decodeControl reads one JSON object with ControlRequest's fields only.
// Whatever follows it must be white space: a decoder stops after the first
// value, and would act on a body the client got wrong.
func decodeControl(body io.Reader) (ControlRequest, error) {
	var req ControlRequest
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, errors.New("more data after the JSON object")
	}
	return req, nil
}

func toRequest(req ControlRequest) (initproc.Request, error) {
	ir := initproc.Request{Verb: req.Verb, Names: req.Names, Wait: req.Wait}
	if len(req.Names) == 0 {
		return ir, errors.New(`"names" is empty: name programs, "group:*" or "all"`)
	}
	if req.Verb == "signal" {
		sig, err := config.ParseSignal(req.Signal)
		if err != nil {
			return ir, err
		}
		ir.Signal = sig
	}
	return ir, nil
}

// errorCode maps errors to HTTP statuses and the API's stable codes.
func errorCode(err error) (int, string) {
	switch {
	case errors.Is(err, initproc.ErrBadName):
		return http.StatusNotFound, "BAD_NAME"
	case errors.Is(err, initproc.ErrAlreadyStarted):
		return http.StatusConflict, "ALREADY_STARTED"
	case errors.Is(err, initproc.ErrNotRunning):
		return http.StatusConflict, "NOT_RUNNING"
	case errors.Is(err, initproc.ErrBadVerb):
		return http.StatusBadRequest, "BAD_REQUEST"
	case errors.Is(err, initproc.ErrShuttingDown):
		return http.StatusServiceUnavailable, "SHUTTING_DOWN"
	case errors.Is(err, initproc.ErrNoReload):
		return http.StatusConflict, "CANT_REREAD"
	case errors.Is(err, initproc.ErrNotResponding):
		return http.StatusServiceUnavailable, "NOT_RESPONDING"
	case errors.Is(err, initproc.ErrSpawn):
		return http.StatusConflict, "SPAWN_ERROR"
	case errors.Is(err, initproc.ErrGaveUp):
		return http.StatusConflict, "ABNORMAL_TERMINATION"
	}
	return http.StatusInternalServerError, "FAILED"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]ErrorJSON{"error": {Code: code, Message: msg}})
}

func (a api) shutdown(w http.ResponseWriter, r *http.Request) {
	if err := a.c.Shutdown(r.Context()); err != nil {
		status, code := errorCode(err)
		writeError(w, status, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"result": "shutting down"})
}

// InitJSON describes init itself.
type InitJSON struct {
	Pid          int     `json:"pid"`
	Started      float64 `json:"started"`
	ShuttingDown bool    `json:"shutting_down"`
}

func (a api) init(w http.ResponseWriter, r *http.Request) {
	st, ok := a.snapshot(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, InitJSON{Pid: os.Getpid(), Started: optSeconds(st.Started), ShuttingDown: st.ShuttingDown})
}
