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
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
		if want == 403 && !strings.Contains(rec.Body.String(), "PROBES_ONLY") {
			t.Errorf("%s: body %q does not say why", path, rec.Body.String())
		}
	}
}
