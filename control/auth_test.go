package control

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequireAuth(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	// {SHA} of "secret"
	h := RequireAuth(Credentials{Username: "admin", Password: "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4", Token: "tok"}, ok)
	for _, tc := range []struct {
		path, user, pass, bearer string
		want                     int
	}{
		{"/livez", "", "", "", 200},
		{"/readyz/web", "", "", "", 200},
		{"/metrics", "", "", "", 200},
		{"/RPC2", "", "", "", 401},
		{"/RPC2", "admin", "secret", "", 200},
		{"/RPC2", "admin", "wrong", "", 401},
		{"/RPC2", "root", "secret", "", 401},
		{"/api/v1/control", "", "", "tok", 200},
		{"/api/v1/control", "", "", "nope", 401},
	} {
		r := httptest.NewRequest("POST", tc.path, nil)
		if tc.user != "" {
			r.SetBasicAuth(tc.user, tc.pass)
		}
		if tc.bearer != "" {
			r.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s %s/%s bearer %q: %d, want %d", tc.path, tc.user, tc.pass, tc.bearer, w.Code, tc.want)
		}
	}
	plain := RequireAuth(Credentials{Username: "u", Password: "p"}, ok)
	r := httptest.NewRequest("GET", "/api/v1/programs", nil)
	r.SetBasicAuth("u", "p")
	w := httptest.NewRecorder()
	plain.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("plain password: %d", w.Code)
	}
}

func TestProbesOnly(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	h := ProbesOnly(ok)
	for path, want := range map[string]int{
		"/livez": 200, "/readyz": 200, "/readyz/web": 200, "/metrics": 200, "/healthz": 200,
		"/api/v1/shutdown": 403, "/RPC2": 403, "/": 403, "/api/v1/programs": 403,
	} {
		rec := record(h, "POST", path)
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
		if want == 403 && !strings.Contains(rec.Body.String(), "PROBES_ONLY") {
			t.Errorf("%s: body %q does not say why", path, rec.Body.String())
		}
	}
}

// A loopback listener without credentials answers the API only for a
// loopback Host: a rebound domain name is refused, probes are not.
func TestLoopbackHostOnly(t *testing.T) {
	h := LoopbackHostOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for _, tc := range []struct {
		host, path string
		want       int
	}{
		{"127.0.0.1:9001", "/api/v1/programs", 204},
		{"localhost:9001", "/", 204},
		{"LOCALHOST", "/RPC2", 204},
		{"[::1]:9001", "/api/v1/control", 204},
		{"127.9.9.9", "/api/v1/programs", 204},
		{"evil.example:9001", "/api/v1/programs", 403},
		{"evil.example:9001", "/", 403},
		{"10.0.0.5:9001", "/RPC2", 403},
		{"localhost.evil.example", "/api/v1/programs", 403},
		{"evil.example:9001", "/livez", 204},
		{"evil.example:9001", "/metrics", 204},
	} {
		r := httptest.NewRequest("GET", "http://x"+tc.path, nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("Host %s %s: %d, want %d", tc.host, tc.path, w.Code, tc.want)
		}
		if tc.want == 403 && !strings.Contains(w.Body.String(), `"code":"BAD_HOST"`) {
			t.Errorf("Host %s: %s", tc.host, w.Body)
		}
	}
}

func TestCredentialCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"tok", "tok", true},
		{"", "", true},
		{"tok", "tok2", false},
		{"tok", "", false},
		{"", "tok", false},
		{"tok", "TOK", false},
		{strings.Repeat("a", 1000), strings.Repeat("a", 999) + "b", false},
	} {
		if got := equal(tc.a, tc.b); got != tc.want {
			t.Errorf("equal(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
