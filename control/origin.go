package control

import "net/http"

// sameOrigin refuses state-changing requests that a browser sends on
// behalf of another site, a CSRF on top of the JSON content type the
// API already demands (which XML-RPC does not). It relies on what
// browsers add and pages cannot forge: Sec-Fetch-Site, else Origin
// against Host. Clients that send neither (curl, supervisorctl, init ctl)
// are no browsers acting for a page, so they pass.
func sameOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "CROSS_ORIGIN",
			"cross-origin request refused: state changes are accepted from vigil's own page or from clients that are not browsers")
	}))
	return p.Handler(next)
}
