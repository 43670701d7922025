package control

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Credentials guard the state-changing side of a TCP listener: supervisord's
// [inet_http_server] username and password (the password may be
// "{SHA}" followed by the hex SHA-1 of it, as supervisord accepts), or a
// bearer token. Empty fields are not accepted.
type Credentials struct {
	Username, Password string
	Token              string
}

// Empty reports whether no way to authenticate is configured.
func (c Credentials) Empty() bool { return c.Username == "" && c.Token == "" }

// openPath lists what orchestrators probe without credentials.
func openPath(p string) bool {
	return p == "/livez" || p == "/healthz" || p == "/metrics" || p == "/readyz" || strings.HasPrefix(p, "/readyz/")
}

// guard is what every TCP listener's handler shares: the probes and
// metrics are served to anyone (orchestrators carry no credentials), any
// other request only when allow says so, and refuse answers the rest.
func guard(next http.Handler, allow func(*http.Request) bool, refuse http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if openPath(r.URL.Path) || allow(r) {
			next.ServeHTTP(w, r)
			return
		}
		refuse(w, r)
	})
}

// RequireAuth lets probes and metrics through and asks every other request
// for the credentials. Comparisons take the same time whatever matches.
func RequireAuth(c Credentials, next http.Handler) http.Handler {
	return guard(next, c.allows, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="vigil"`)
		writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "this listener needs credentials: basic auth or a bearer token")
	})
}

func (c Credentials) allows(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && c.Token != "" {
		return equal(tok, c.Token)
	}
	user, pass, ok := r.BasicAuth()
	if !ok || c.Username == "" {
		return false
	}
	// Both are compared whatever the first gives, so the time taken does
	// not tell whether the username was right.
	userOK := equal(user, c.Username)
	var passOK bool
	if hexSum, isSHA := strings.CutPrefix(c.Password, "{SHA}"); isSHA {
		sum := sha1.Sum([]byte(pass))
		passOK = equal(hex.EncodeToString(sum[:]), strings.ToLower(hexSum))
	} else {
		passOK = equal(pass, c.Password)
	}
	return userOK && passOK
}

// equal compares in a time that depends neither on the contents nor on
// the lengths: subtle.ConstantTimeCompare returns at once for slices of
// different lengths, which would tell how long the secret is, so it is
// given digests of one fixed size.
func equal(a, b string) bool {
	da, db := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(da[:], db[:]) == 1
}

// ProbesOnly serves the probes and metrics of next and refuses the rest
// with a 403 that says why: a TCP listener on a non-loopback address with
// no credentials configured must not change state.
func ProbesOnly(next http.Handler) http.Handler {
	none := func(*http.Request) bool { return false }
	return guard(next, none, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "PROBES_ONLY",
			"this listener serves probes and metrics only: set [inet_http_server] username and password or VIGIL_TOKEN for the API, or use the control socket")
	})
}

// LoopbackHostOnly serves the requests of next whose Host is a loopback
// address or localhost, and refuses the rest with 403. It guards a
// loopback listener without credentials against DNS rebinding: a page
// whose name was re-pointed at 127.0.0.1 passes the same-origin check,
// since its Origin then matches the Host, but that Host is its own name.
// Probes and metrics stay open to any Host, as on every listener.
func LoopbackHostOnly(next http.Handler) http.Handler {
	return guard(next, loopbackHost, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "BAD_HOST",
			fmt.Sprintf("Host %q is not a loopback address: without credentials this listener answers only requests to 127.0.0.1, [::1] or localhost", r.Host))
	})
}

func loopbackHost(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
