package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"reflect"
	"strings"
	"testing"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/initproc"
)

// FuzzControlRequest posts any body with any content type to
// /api/v1/control, in front of a controller that records what reaches it.
// It checks that the answer is always JSON: 415 exactly when the type is
// not JSON, otherwise 200 exactly when the body is one JSON object with
// only the documented fields, some names, and a signal that parses when
// the verb is signal, and then the controller got those very values; any
// other answer is a 400 BAD_REQUEST whose message is one line.
func FuzzControlRequest(f *testing.F) {
	for _, body := range []string{
		`{"verb":"signal","names":["all"],"signal":"HUP","wait":true}`,
		`{"verb":"start","names":["web","g:*"]}`,
		`{"verb":"stop","names":[]}`,
		`{"verb":"start","names":["a"],"bogus":1}`,
		`{"verb":"signal","names":["a"],"signal":"RTMIN+2"}`,
		`{"verb":"start"`,
		`[1,2]`,
		`null`,
		`{"names":null,"verb":7}`,
		`{"verb":"stop","names":["a"]} {"verb":"start","names":["b"]}`,
	} {
		f.Add("application/json", []byte(body))
	}
	f.Add("application/json; charset=utf-8", []byte(`{"verb":"restart","names":["x"]}`))
	f.Add("text/plain", []byte(`{"verb":"start","names":["a"]}`))
	f.Add("", []byte(`{}`))
	ctl := &fakeController{}
	h := NewAPIHandler(ctl, Options{})
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		ctl.got = initproc.Request{}
		w := post(h, ctype, string(body))
		answer := w.Body.Bytes()
		if w.Header().Get("Content-Type") != "application/json" || !json.Valid(answer) {
			t.Fatalf("answer %d is not JSON: %q", w.Code, answer)
		}
		// A bad parameter does not matter: the type is what keeps forms out.
		mt, _, err := mime.ParseMediaType(ctype)
		isJSON := mt == "application/json" && (err == nil || errors.Is(err, mime.ErrInvalidMediaParameter))
		want, valid := strictControlRequest(body)
		switch {
		case !isJSON:
			wantError(t, w.Code, answer, 415)
		case valid:
			if w.Code != 200 || !bytes.Equal(bytes.TrimSpace(answer), []byte(`{"results":[]}`)) {
				t.Fatalf("valid request %q: got %d %s", body, w.Code, answer)
			}
			if !reflect.DeepEqual(ctl.got, want) {
				t.Fatalf("request %q reached the controller as %+v, want %+v", body, ctl.got, want)
			}
		default:
			wantError(t, w.Code, answer, 400)
			if !reflect.DeepEqual(ctl.got, initproc.Request{}) {
				t.Fatalf("invalid request %q reached the controller as %+v", body, ctl.got)
			}
		}
	})
}

// strictControlRequest is the specification of a good request body,
// written independently of the handler: one JSON value, an object, with no
// field but the four documented ones (encoding/json matches their names in
// any case), at least one name, and a signal that parses for the verb
// signal.
func strictControlRequest(body []byte) (initproc.Request, bool) {
	if len(body) > 64<<10 || !json.Valid(body) {
		return initproc.Request{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || fields == nil {
		return initproc.Request{}, false
	}
	for k := range fields {
		switch strings.ToLower(k) {
		case "verb", "names", "signal", "wait":
		default:
			return initproc.Request{}, false
		}
	}
	var req ControlRequest
	if json.Unmarshal(body, &req) != nil || len(req.Names) == 0 {
		return initproc.Request{}, false
	}
	want := initproc.Request{Verb: req.Verb, Names: req.Names, Wait: req.Wait}
	if req.Verb == "signal" {
		sig, err := config.ParseSignal(req.Signal)
		if err != nil {
			return initproc.Request{}, false
		}
		want.Signal = sig
	}
	return want, true
}

// wantError checks that an answer is the API's error object with status
// code and BAD_REQUEST, and a message of one line.
func wantError(t *testing.T, got int, answer []byte, code int) {
	t.Helper()
	if e, ok := apiError(answer); got != code || !ok || e.Code != "BAD_REQUEST" {
		t.Fatalf("got %d %s, want %d BAD_REQUEST with a message of one line", got, answer, code)
	}
}
