package control

import (
	"context"
	"net/http"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

// Source is the narrow view the control plane has of init;
// *initproc.Supervisor implements it. Snapshot must return once ctx ends:
// the probes rely on it to answer in time when init is stuck.
type Source interface {
	Snapshot(ctx context.Context) (initproc.InitStatus, error)
}

// Options configures NewHandler.
type Options struct {
	// Version is the version label of vigil_build_info.
	Version string
	// LivenessTimeout bounds every snapshot, not only /livez's: a stuck
	// loop must fail /readyz and set vigil_up 0 rather than hang the
	// probe until the kubelet gives up. Zero means DefaultLivenessTimeout.
	LivenessTimeout time.Duration
}

// DefaultLivenessTimeout tolerates a loop that is busy, not stuck. A probe
// with a shorter timeoutSeconds just fails first, to the same effect.
const DefaultLivenessTimeout = 2 * time.Second

// maxRequestBody is generous: no endpoint reads a body, so the limit only
// stops a client from making the server drain a large one.
const maxRequestBody = 1 << 20

// NewHandler returns the handler of the probes and metrics.
func NewHandler(src Source, opts Options) http.Handler {
	if opts.LivenessTimeout <= 0 {
		opts.LivenessTimeout = DefaultLivenessTimeout
	}
	s := snapshotter{src: src, timeout: opts.LivenessTimeout}
	mux := http.NewServeMux()
	// /healthz is the name older liveness probes use; it must not mean
	// readiness, or a program that is merely not ready restarts the
	// container.
	mux.HandleFunc("/livez", s.livez)
	mux.HandleFunc("/healthz", s.livez)
	mux.HandleFunc("/readyz", s.readyz)
	mux.HandleFunc("/readyz/{program}", s.readyzProgram)
	mux.Handle("/metrics", newMetricsHandler(s, opts.Version))
	return readOnly(mux)
}

// snapshotter takes snapshots that give up after the liveness timeout.
type snapshotter struct {
	src     Source
	timeout time.Duration
}

func (s snapshotter) take(ctx context.Context) (initproc.InitStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.src.Snapshot(ctx)
}

// livez answers from a snapshot because taking one round-trips through the
// supervisor loop: a real heartbeat, where answering from the HTTP
// goroutine alone would report a wedged init as alive.
func (s snapshotter) livez(w http.ResponseWriter, r *http.Request) {
	if _, err := s.take(r.Context()); err != nil {
		writeText(w, http.StatusServiceUnavailable, err.Error()+"\n")
		return
	}
	writeText(w, http.StatusOK, "ok\n")
}

// readOnly refuses what the endpoints have no use for, whatever the path:
// methods that would change something and large bodies.
func readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeText(w, http.StatusMethodNotAllowed, "method not allowed: the control endpoints are read-only; use GET\n")
			return
		}
		if r.ContentLength > maxRequestBody {
			writeText(w, http.StatusRequestEntityTooLarge, "request body too large\n")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		next.ServeHTTP(w, r)
	})
}

// writeText writes a plain-text answer that no cache keeps: a stale probe
// answer is worse than none.
func writeText(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}
