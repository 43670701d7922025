package control

import (
	"io/fs"
	"strings"
	"testing"
)

// webBudget is the limit for everything the page loads.
const webBudget = 100 << 10

func TestWebPageAndAssets(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{})
	for path, ctype := range map[string]string{
		"/":            "text/html; charset=utf-8",
		"/ui/app.js":   "text/javascript; charset=utf-8",
		"/ui/app.css":  "text/css; charset=utf-8",
		"/ui/icon.svg": "image/svg+xml",
	} {
		w := record(h, "GET", path)
		if w.Code != 200 || w.Header().Get("Content-Type") != ctype || w.Body.Len() == 0 {
			t.Errorf("GET %s: %d %q, %d bytes", path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
		for header, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
		} {
			if got := w.Header().Get(header); !strings.Contains(got, want) {
				t.Errorf("GET %s: %s %q, want %q", path, header, got, want)
			}
		}
	}
	page := record(h, "GET", "/").Body.String()
	for _, ref := range []string{`src="/ui/app.js"`, `href="/ui/app.css"`, "<table", "<caption"} {
		if !strings.Contains(page, ref) {
			t.Errorf("the page lacks %s", ref)
		}
	}
	if w := record(h, "HEAD", "/"); w.Code != 200 {
		t.Errorf("HEAD /: %d", w.Code)
	}
}

// The CSP forbids inline code; an inline script or style would be
// silently dead in the browser.
func TestWebPageHasNoInlineCode(t *testing.T) {
	page := record(NewAPIHandler(&fakeController{}, Options{}), "GET", "/").Body.String()
	for _, bad := range []string{"<script>", "<style", " style=", " onclick=", " onload=", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
}

func TestWebUnknownPaths(t *testing.T) {
	h := NewAPIHandler(&fakeController{}, Options{})
	for _, path := range []string{"/ui/nope.js", "/ui/", "/ui/app.go", "/ui/web/app.js", "/index.html", "/nope"} {
		if w := record(h, "GET", path); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
	// The page's patterns must leave the probes where they were.
	for path, want := range map[string]int{"/livez": 200, "/healthz": 200, "/metrics": 200, "/api/v1/programs": 200} {
		if w := record(h, "GET", path); w.Code != want {
			t.Errorf("GET %s: %d, want %d", path, w.Code, want)
		}
	}
	if w := record(h, "POST", "/"); w.Code != 405 {
		t.Errorf("POST /: %d, want 405", w.Code)
	}
}

func TestWebSizeBudget(t *testing.T) {
	total := 0
	err := fs.WalkDir(webFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(webFiles, path)
		total += len(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded page: %d bytes", total)
	if total == 0 || total >= webBudget {
		t.Fatalf("embedded page is %d bytes, budget %d", total, webBudget)
	}
}
