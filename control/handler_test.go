package control

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

// fakeSource answers with st, or fails with err; when stuck it blocks until
// ctx ends, as init's loop does when it is wedged.
type fakeSource struct {
	st    initproc.InitStatus
	err   error
	stuck bool
}

func (f *fakeSource) Snapshot(ctx context.Context) (initproc.InitStatus, error) {
	if f.stuck {
		<-ctx.Done()
		return initproc.InitStatus{}, initproc.ErrNotResponding
	}
	return f.st, f.err
}

// testTimeout is short so that the stuck cases end quickly.
const testTimeout = 20 * time.Millisecond

func serve(t *testing.T, src Source, method, target string, body io.Reader) (int, string, http.Header) {
	t.Helper()
	h := NewHandler(src, Options{Version: "1.2.3", LivenessTimeout: testTimeout})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, body))
	return rec.Code, rec.Body.String(), rec.Header()
}

// record is h's answer to a request of method and target without a body.
func record(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// get is the body of a GET of target from h.
func get(h http.Handler, target string) string {
	return record(h, http.MethodGet, target).Body.String()
}

func TestLiveness(t *testing.T) {
	for _, path := range []string{"/livez", "/healthz"} {
		t.Run(path, func(t *testing.T) {
			code, body, hdr := serve(t, &fakeSource{}, http.MethodGet, path, nil)
			if code != http.StatusOK || body != "ok\n" {
				t.Errorf("live init: %d %q, want 200 \"ok\\n\"", code, body)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q", ct)
			}
			code, body, _ = serve(t, &fakeSource{stuck: true}, http.MethodGet, path, nil)
			if code != http.StatusServiceUnavailable || !strings.Contains(body, initproc.ErrNotResponding.Error()) {
				t.Errorf("stuck init: %d %q, want 503 naming the error", code, body)
			}
		})
	}
}

func TestLivenessIgnoresReadiness(t *testing.T) {
	src := &fakeSource{st: status(prog("web", false, true))}
	src.st.CriticalFailed = "db"
	if code, _, _ := serve(t, src, http.MethodGet, "/healthz", nil); code != http.StatusOK {
		t.Errorf("/healthz %d for a live init with a program not ready; a liveness probe would restart it", code)
	}
}

func TestLivenessDefaultTimeout(t *testing.T) {
	src := &fakeSource{stuck: true}
	h := NewHandler(src, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the request's end stands in for the default timeout
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/livez", nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("%d, want 503", rec.Code)
	}
}

func TestMethods(t *testing.T) {
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		for _, path := range []string{"/livez", "/readyz", "/metrics", "/nowhere"} {
			code, _, hdr := serve(t, &fakeSource{}, m, path, strings.NewReader("x"))
			if code != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d Allow=%q, want 405 GET, HEAD", m, path, code, hdr.Get("Allow"))
			}
		}
	}
}

func TestHead(t *testing.T) {
	srv := httptest.NewServer(NewHandler(&fakeSource{}, Options{}))
	defer srv.Close()
	for _, path := range []string{"/livez", "/readyz", "/metrics"} {
		resp, err := srv.Client().Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(b) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes of body", path, resp.StatusCode, len(b))
		}
	}
}

func TestLargeBodyRefused(t *testing.T) {
	body := strings.NewReader(strings.Repeat("x", maxRequestBody+1))
	if code, _, _ := serve(t, &fakeSource{}, http.MethodGet, "/livez", body); code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d, want 413", code)
	}
}

func TestBodyLimited(t *testing.T) {
	var n int64
	var err error
	h := readOnly(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		n, err = io.Copy(io.Discard, r.Body)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", io.LimitReader(zeros{}, 2*maxRequestBody))
	r.ContentLength = -1 // chunked: no length to refuse it by up front
	h.ServeHTTP(httptest.NewRecorder(), r)
	var tooBig *http.MaxBytesError
	if !errors.As(err, &tooBig) || n > maxRequestBody {
		t.Errorf("read %d bytes, err %v; want at most %d and a MaxBytesError", n, err, maxRequestBody)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
