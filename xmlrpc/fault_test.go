package xmlrpc

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestNewFault(t *testing.T) {
	tests := []struct {
		code   int
		detail string
		want   string
	}{
		{UnknownMethod, "", "UNKNOWN_METHOD"},
		{IncorrectParameters, "No methodName", "INCORRECT_PARAMETERS: No methodName"},
		{BadArguments, "x", "BAD_ARGUMENTS: x"},
		{SignatureUnsupported, "", "SIGNATURE_UNSUPPORTED"},
		{ShutdownState, "", "SHUTDOWN_STATE"},
		{BadName, "foo", "BAD_NAME: foo"},
		{BadSignal, "SIGFOO", "BAD_SIGNAL: SIGFOO"},
		{NoFile, "/bin/nope", "NO_FILE: /bin/nope"},
		{NotExecutable, "/etc/passwd", "NOT_EXECUTABLE: /etc/passwd"},
		{Failed, "web: ERROR", "FAILED: web: ERROR"},
		{AbnormalTermination, "web", "ABNORMAL_TERMINATION: web"},
		{SpawnError, "web", "SPAWN_ERROR: web"},
		{AlreadyStarted, "web", "ALREADY_STARTED: web"},
		{NotRunning, "web", "NOT_RUNNING: web"},
		{Success, "", "SUCCESS"},
		{AlreadyAdded, "g", "ALREADY_ADDED: g"},
		{StillRunning, "g", "STILL_RUNNING: g"},
		{CantReread, "bad config", "CANT_REREAD: bad config"},
		{5, "x", "UNKNOWN: x"},
		{-1, "", "UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			f := NewFault(tt.code, tt.detail)
			if f.Code != tt.code || f.Detail != tt.detail || f.Error() != tt.want {
				t.Errorf("got %#v (%q), want %q", f, f.Error(), tt.want)
			}
		})
	}
}

// A faultString read back splits into Name and Detail only when Error
// would give the same string again.
func TestParseFault(t *testing.T) {
	tests := []struct {
		in           string
		name, detail string
	}{
		{"BAD_NAME: foo", "BAD_NAME", "foo"},
		{"BAD_NAME", "BAD_NAME", ""},
		{"FAILED: a: b", "FAILED", "a: b"},
		{"BAD_NAME: ", "", "BAD_NAME: "},
		{"bad name: foo", "", "bad name: foo"},
		{"BAD NAME: foo", "", "BAD NAME: foo"},
		{"BAD_NAME:foo", "", "BAD_NAME:foo"},
		{"", "", ""},
		{": x", "", ": x"},
		{"Über: x", "", "Über: x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f := parseFault(7, tt.in)
			if f.Code != 7 || f.Name != tt.name || f.Detail != tt.detail {
				t.Errorf("got %#v", f)
			}
			if f.Error() != tt.in {
				t.Errorf("Error() = %q, want %q", f.Error(), tt.in)
			}
		})
	}
}

// The bytes match what supervisord writes for the same fault once
// whitespace between tags is set aside, and DecodeResponse gives the
// fault back.
func TestEncodeFault(t *testing.T) {
	var b bytes.Buffer
	f := NewFault(BadName, "foo")
	if err := EncodeFault(&b, f.Code, f.Error()); err != nil {
		t.Fatal(err)
	}
	want := "<?xml version=\"1.0\"?>\n<methodResponse><fault><value><struct>" +
		"<member><name>faultCode</name><value><int>10</int></value></member>" +
		"<member><name>faultString</name><value><string>BAD_NAME: foo</string></value></member>" +
		"</struct></value></fault></methodResponse>\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	supervisord := bytes.ReplaceAll(readTestdata(t, "response_fault.xml"), []byte("\n"), nil)
	supervisord = bytes.Replace(supervisord, []byte("<?xml version='1.0'?>"), []byte("<?xml version=\"1.0\"?>\n"), 1)
	if got := bytes.TrimSuffix(b.Bytes(), []byte("\n")); !bytes.Equal(got, supervisord) {
		t.Errorf("differs from supervisord's\n got %s\nwant %s", got, supervisord)
	}
	v, err := DecodeResponse(&b)
	var back *Fault
	if v != nil || !errors.As(err, &back) || *back != *f {
		t.Errorf("decoded %#v, %#v", v, err)
	}
}

func TestMulticallResult(t *testing.T) {
	tests := []struct {
		name string
		v    any
		err  error
		want any
	}{
		{"value", true, nil, []any{true}},
		{"struct", map[string]any{"a": 1}, nil, []any{map[string]any{"a": 1}}},
		{"fault", nil, NewFault(BadName, "web"), map[string]any{"faultCode": 10, "faultString": "BAD_NAME: web"}},
		{"wrapped fault", nil, fmt.Errorf("starting: %w", NewFault(SpawnError, "web")),
			map[string]any{"faultCode": 50, "faultString": "SPAWN_ERROR: web"}},
		{"other error", nil, errors.New("disk full"), map[string]any{"faultCode": 30, "faultString": "FAILED: disk full"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MulticallResult(tt.v, tt.err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			var b bytes.Buffer
			if err := EncodeResponse(&b, []any{got}); err != nil {
				t.Errorf("cannot encode: %v", err)
			}
		})
	}
}
