package xmlrpc

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

const (
	responseHead = "<?xml version=\"1.0\"?>\n<methodResponse><params><param>"
	responseTail = "</param></params></methodResponse>\n"
)

func TestEncodeResponseExact(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string // between <param> and </param>
	}{
		{"int", 7, "<value><int>7</int></value>"},
		{"int beyond 32 bits is still int", int64(1) << 40, "<value><int>1099511627776</int></value>"},
		{"bool", true, "<value><boolean>1</boolean></value>"},
		{"false", false, "<value><boolean>0</boolean></value>"},
		{"double without exponent", 123456789.5, "<value><double>123456789.5</double></value>"},
		{"double zero", 0.0, "<value><double>0</double></value>"},
		{"double tiny", 1e-7, "<value><double>1e-07</double></value>"},
		{"empty string", "", "<value><string></string></value>"},
		{"escapes", `<a>&"'`, `<value><string>&lt;a&gt;&amp;"'</string></value>`},
		{"newline and tab kept", "a\n\tb", "<value><string>a\n\tb</string></value>"},
		{"carriage return", "a\rb", "<value><string>a&#13;b</string></value>"},
		{"controls", "\x00\x08\x0b\x0c\x1f", "<value><string>\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD</string></value>"},
		{"invalid UTF-8", "\xc3(", "<value><string>\uFFFD(</string></value>"},
		{"valid replacement char kept", "\uFFFD", "<value><string>\uFFFD</string></value>"},
		{"base64", []byte("hi"), "<value><base64>aGk=</base64></value>"},
		{"time", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>"},
		{"empty array", []any{}, "<value><array><data/></array></value>"},
		{"nil array", []any(nil), "<value><array><data/></array></value>"},
		{"array", []string{"a"}, "<value><array><data><value><string>a</string></value></data></array></value>"},
		{"empty struct", map[string]any{}, "<value><struct></struct></value>"},
		{"struct sorted, names escaped", map[string]any{"b": 1, "a&": 2},
			"<value><struct><member><name>a&amp;</name><value><int>2</int></value></member>" +
				"<member><name>b</name><value><int>1</int></value></member></struct></value>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := EncodeResponse(&b, tt.in); err != nil {
				t.Fatal(err)
			}
			if want := responseHead + tt.want + responseTail; b.String() != want {
				t.Errorf("got  %q\nwant %q", b.String(), want)
			}
		})
	}
}

func TestEncodeCallExact(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeCall(&b, "supervisor.startProcess", "web", true); err != nil {
		t.Fatal(err)
	}
	want := "<?xml version=\"1.0\"?>\n<methodCall><methodName>supervisor.startProcess</methodName><params>" +
		"<param><value><string>web</string></value></param><param><value><boolean>1</boolean></value></param>" +
		"</params></methodCall>\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

func TestEncodeRefuses(t *testing.T) {
	loop := make([]any, 1)
	loop[0] = loop
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "type <nil>"},
		{"nil inside", []any{1, nil}, "type <nil>"},
		{"unsigned", uint(1), "type uint"},
		{"int32", int32(1), "type int32"},
		{"go struct", struct{ A int }{1}, "type struct"},
		{"pointer", new(int), "type *int"},
		{"map of other values", map[string]string{"a": "b"}, "type map[string]string"},
		{"error", errors.New("x"), "type *errors.errorString"},
		{"too deep", nest(MaxDepth+1, 1), "nested deeper than 64"},
		{"too deep struct", map[string]any{"a": nest(MaxDepth, 1)}, "nested deeper than 64"},
		{"contains itself", loop, "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := EncodeResponse(&b, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q despite the error", b.String())
			}
			if err := EncodeCall(&b, "m", 1, tt.in); err == nil || b.Len() != 0 {
				t.Errorf("EncodeCall: error %v, wrote %q", err, b.String())
			}
		})
	}
}

func TestEncodeCallRefusesEmptyMethod(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeCall(&b, ""); err == nil || b.Len() != 0 {
		t.Fatalf("error %v, wrote %q", err, b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestEncodeReportsWriteError(t *testing.T) {
	if err := EncodeResponse(failingWriter{}, 1); err == nil {
		t.Error("EncodeResponse: no error")
	}
	if err := EncodeFault(failingWriter{}, BadName, "BAD_NAME: x"); err == nil {
		t.Error("EncodeFault: no error")
	}
	if err := EncodeCall(failingWriter{}, "m"); err == nil {
		t.Error("EncodeCall: no error")
	}
}

func TestIsXMLChar(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{0, false}, {'\t', true}, {'\n', true}, {'\r', true}, {0x0b, false}, {0x1f, false},
		{' ', true}, {0xD7FF, true}, {0xD800, false}, {0xDFFF, false}, {0xE000, true},
		{0xFFFD, true}, {0xFFFE, false}, {0xFFFF, false}, {0x10000, true}, {0x10FFFF, true},
		{0x110000, false}, {-1, false}, {math.MaxInt32, false},
	}
	for _, tt := range tests {
		if got := isXMLChar(tt.r); got != tt.want {
			t.Errorf("isXMLChar(%#x) = %v, want %v", tt.r, got, tt.want)
		}
	}
}
