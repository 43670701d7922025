package control

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

// LogSource gives the in-memory tail of a program's output.
type LogSource interface {
	Stream(ctx context.Context, name, stream string) (*initproc.Ring, error)
}

// maxTail bounds one answer: the rings hold 64 KiB anyway.
const maxTail = 1 << 20

// logTail serves GET /api/v1/programs/{name}/log/{stream}?bytes=N&follow=1:
// the last N bytes (default 1600, as supervisorctl tail), then, with
// follow, every new byte as it comes, until the client goes away. The
// X-Log-Offset header says where the answer's bytes end.
func logTail(src LogSource) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("bytes"))
		if r.URL.Query().Get("bytes") == "" {
			n, err = 1600, nil
		}
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "bytes: want a number of bytes")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), DefaultLivenessTimeout)
		ring, err := src.Stream(ctx, r.PathValue("name"), r.PathValue("stream"))
		cancel()
		if err != nil {
			status, code := errorCode(err)
			if errors.Is(err, initproc.ErrNoFile) {
				status, code = http.StatusNotFound, "NO_FILE"
			}
			writeError(w, status, code, err.Error())
			return
		}
		// offset (from an earlier answer's X-Log-Offset) continues where
		// that answer ended, so a client can print the tail, then follow.
		var data []byte
		var next int64
		if o := r.URL.Query().Get("offset"); o != "" {
			off, err := strconv.ParseInt(o, 10, 64)
			if err != nil {
				writeError(w, http.StatusBadRequest, "BAD_REQUEST", "offset: want a number")
				return
			}
			data, next, _ = ring.Tail(off, maxTail)
		} else {
			data, next, _ = ring.Tail(0, min(n, maxTail))
		}
		// The bytes are the program's, unchanged, whatever they are
		// (binary, not UTF-8, HTML): nosniff keeps a browser showing them
		// as the text they are declared to be.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Log-Offset", strconv.FormatInt(next, 10))
		w.Write(data)
		if r.URL.Query().Get("follow") != "" {
			follow(w, r, ring, next)
		}
	}
}

// follow streams what is written to ring from offset on. The server's
// write timeout would cut a long follow, so it is lifted for this request.
func follow(w http.ResponseWriter, r *http.Request, ring *initproc.Ring, offset int64) {
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	rc.Flush()
	for ring.Wait(r.Context(), offset) == nil {
		var data []byte
		data, offset, _ = ring.Tail(offset, maxTail)
		if _, err := w.Write(data); err != nil {
			return
		}
		rc.Flush()
	}
}
