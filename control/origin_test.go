package control

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigil-sh/vigil/initproc"
)

// fromBrowser is h's answer to r sent with a browser's Sec-Fetch-Site and
// Origin headers, each when not empty.
func fromBrowser(h http.Handler, r *http.Request, fetchSite, origin string) *httptest.ResponseRecorder {
	if fetchSite != "" {
		r.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestSameOrigin(t *testing.T) {
	h := NewAPIHandler(&fakeController{res: []initproc.Result{{Name: "web", Group: "web"}}}, Options{})
	for _, tc := range []struct {
		name, fetchSite, origin string
		want                    int
	}{
		{"no browser headers (curl, init ctl)", "", "", 200},
		{"the page itself", "same-origin", "http://vigil.example:9001", 200},
		{"typed by the user", "none", "", 200},
		{"another site", "cross-site", "https://evil.example", 403},
		{"a sibling subdomain", "same-site", "http://other.vigil.example:9001", 403},
		{"old browser, same host", "", "http://vigil.example:9001", 200},
		{"old browser, other host", "", "https://evil.example", 403},
		{"old browser, other port", "", "http://vigil.example:8080", 403},
	} {
		r := httptest.NewRequest("POST", "http://vigil.example:9001/api/v1/control", strings.NewReader(`{"verb":"restart","names":["web"]}`))
		r.Header.Set("Content-Type", "application/json")
		w := fromBrowser(h, r, tc.fetchSite, tc.origin)
		if w.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.want)
		}
		if tc.want == 403 && !strings.Contains(w.Body.String(), `"code":"CROSS_ORIGIN"`) {
			t.Errorf("%s: body %s lacks CROSS_ORIGIN", tc.name, w.Body)
		}
	}
}

// Reading is allowed from anywhere the credentials allow: the check is
// for requests that change state.
func TestSameOriginLetsReadsThrough(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{})
	w := fromBrowser(h, httptest.NewRequest("GET", "/api/v1/programs", nil), "cross-site", "")
	if w.Code != 200 {
		t.Fatalf("cross-site GET: %d", w.Code)
	}
}

// supervisorctl posts XML-RPC with no Origin and no Sec-Fetch-Site; a
// page that makes a browser post the same is refused.
func TestSameOriginXMLRPC(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{Version: "test"})
	call := `<?xml version="1.0"?><methodCall><methodName>supervisor.getPID</methodName></methodCall>`
	for _, tc := range []struct {
		origin string
		want   int
	}{{"", 200}, {"https://evil.example", 403}} {
		r := httptest.NewRequest("POST", "http://localhost:9001/RPC2", strings.NewReader(call))
		r.Header.Set("Content-Type", "text/xml")
		w := fromBrowser(h, r, "", tc.origin)
		if w.Code != tc.want || (tc.want == 200 && !strings.Contains(w.Body.String(), "<methodResponse>")) {
			t.Errorf("origin %q: %d %s, want %d", tc.origin, w.Code, w.Body, tc.want)
		}
	}
}
