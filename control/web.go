package control

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

// webFiles is the page and its assets: plain files, no build step, so
// what is reviewed is what is served.
//
//go:embed web
var webFiles embed.FS

// webTypes are set here rather than looked up in the system's MIME
// tables: a minimal image has none, and a wrong type for a script is
// refused under nosniff.
var webTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// webCSP allows nothing but the page's own files: no inline script or
// style, no other origin, no framing (clickjacking of its buttons).
const webCSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// handleWeb adds the page at / and its assets under /ui/. "/{$}" matches
// only the root, so every other path still reaches the probes' handler.
func handleWeb(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { serveWebFile(w, r, "index.html") })
	mux.HandleFunc("GET /ui/{file}", func(w http.ResponseWriter, r *http.Request) { serveWebFile(w, r, r.PathValue("file")) })
}

func serveWebFile(w http.ResponseWriter, r *http.Request, name string) {
	ctype, known := webTypes[path.Ext(name)]
	b, err := fs.ReadFile(webFiles, "web/"+name)
	if err != nil || !known {
		writeText(w, http.StatusNotFound, "not found\n")
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Security-Policy", webCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	// The files change with the binary; a cached script from the old
	// version would talk to the new API.
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
