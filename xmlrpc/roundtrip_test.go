package xmlrpc

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	paris = time.FixedZone("CET", 3600)
	when  = time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)
)

// roundTrips are values that come back from encode then decode; want is
// what decoding gives when it differs from the value sent (decoded slices
// are []any, times UTC and whole seconds, invalid text replaced).
var roundTrips = []struct {
	name string
	in   any
	want any
}{
	{name: "int", in: 42},
	{name: "zero", in: 0},
	{name: "negative", in: -7},
	{name: "int32 max", in: math.MaxInt32},
	{name: "int32 min", in: math.MinInt32},
	{name: "beyond 32 bits", in: 1 << 40},
	{name: "int64", in: int64(math.MaxInt64), want: math.MaxInt},
	{name: "int64 min", in: int64(math.MinInt64), want: math.MinInt},
	{name: "true", in: true},
	{name: "false", in: false},
	{name: "double", in: 1.5},
	{name: "double whole", in: 2.0},
	{name: "double tiny", in: 2.5e-10},
	{name: "double huge", in: 1e300},
	{name: "double negative zero", in: math.Copysign(0, -1)},
	{name: "double max", in: math.MaxFloat64},
	{name: "double smallest", in: math.SmallestNonzeroFloat64},
	{name: "inf", in: math.Inf(1)},
	{name: "minus inf", in: math.Inf(-1)},
	{name: "empty string", in: ""},
	{name: "string", in: "web"},
	{name: "xml specials", in: `<a href="x">&amp;</a> ]]> '`},
	{name: "whitespace", in: " \t\n lead and trail \n"},
	{name: "carriage return", in: "progress 10%\rprogress 20%\r\n"},
	{name: "unicode", in: "café ☃ 😀 \u200b\uFFFD"},
	{name: "C1 controls and DEL are allowed", in: "\u0080\u009f\u007f"},
	{name: "control chars", in: "a\x00b\x01c\x1b[31mred\x1b[0m", want: "a\uFFFDb\uFFFDc\uFFFD[31mred\uFFFD[0m"},
	{name: "invalid UTF-8", in: "ok \xff\xfe bad \xc3", want: "ok \uFFFD\uFFFD bad \uFFFD"},
	{name: "noncharacters", in: "\uFFFE\uFFFF", want: "\uFFFD\uFFFD"},
	{name: "surrogate bytes", in: "\xed\xa0\x80", want: "\uFFFD\uFFFD\uFFFD"},
	{name: "bytes", in: []byte{0, 1, 2, 0xff, '<', '&'}},
	{name: "empty bytes", in: []byte{}},
	{name: "long bytes", in: bytes.Repeat([]byte{0xde, 0xad}, 1000)},
	{name: "time", in: when},
	{name: "time with nanoseconds", in: when.Add(999 * time.Millisecond), want: when},
	{name: "time in a zone", in: time.Date(2024, 3, 1, 0, 59, 58, 0, paris), want: when},
	{name: "empty array", in: []any{}},
	{name: "array", in: []any{1, "two", true, 4.5, []byte("x"), when}},
	{name: "strings", in: []string{"a", "b"}, want: []any{"a", "b"}},
	{name: "empty strings", in: []string{}, want: []any{}},
	{name: "nil strings", in: []string(nil), want: []any{}},
	{name: "structs", in: []map[string]any{{"name": "web"}, {}}, want: []any{map[string]any{"name": "web"}, map[string]any{}}},
	{name: "empty struct", in: map[string]any{}},
	{name: "nil struct", in: map[string]any(nil), want: map[string]any{}},
	{name: "struct", in: map[string]any{"name": "web", "pid": 42, "<&>\"": "escaped name", "": "empty name"}},
	{name: "nested", in: map[string]any{"a": []any{[]any{}, map[string]any{"b": []any{map[string]any{"c": 1}}}}}},
	{name: "reloadConfig", in: []any{[]any{[]string{"new"}, []string{}, []string{"gone"}}},
		want: []any{[]any{[]any{"new"}, []any{}, []any{"gone"}}}},
	{name: "tail result", in: []any{"line\n", 1234, false}},
	{name: "deepest allowed", in: nest(MaxDepth, "x")},
}

// nest wraps v in n one-element arrays.
func nest(n int, v any) any {
	for range n {
		v = []any{v}
	}
	return v
}

func TestRoundTripResponse(t *testing.T) {
	for _, tt := range roundTrips {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := EncodeResponse(&b, tt.in); err != nil {
				t.Fatal(err)
			}
			got, err := DecodeResponse(&b)
			if err != nil {
				t.Fatalf("%v in %s", err, b.String())
			}
			checkDecoded(t, got, tt.in, tt.want)
		})
	}
}

func TestRoundTripCall(t *testing.T) {
	for _, tt := range roundTrips {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := EncodeCall(&b, "supervisor.test", "first", tt.in); err != nil {
				t.Fatal(err)
			}
			c, err := DecodeCall(&b)
			if err != nil {
				t.Fatalf("%v in %s", err, b.String())
			}
			if c.Method != "supervisor.test" || len(c.Params) != 2 || c.Params[0] != "first" {
				t.Fatalf("got %#v", c)
			}
			checkDecoded(t, c.Params[1], tt.in, tt.want)
		})
	}
}

func checkDecoded(t *testing.T, got, in, want any) {
	t.Helper()
	if want == nil {
		want = in
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if f, ok := want.(float64); ok && math.Signbit(f) != math.Signbit(got.(float64)) {
		t.Errorf("sign of zero lost: got %v", got)
	}
}

func TestRoundTripNaN(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeResponse(&b, math.NaN()); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(&b)
	if f, ok := got.(float64); err != nil || !ok || !math.IsNaN(f) {
		t.Fatalf("got %#v, %v", got, err)
	}
}

func TestCallWithoutParams(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeCall(&b, "supervisor.getAllProcessInfo"); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCall(&b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != "supervisor.getAllProcessInfo" || c.Params == nil || len(c.Params) != 0 {
		t.Fatalf("got %#v", c)
	}
}

func TestMethodNameEscaped(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeCall(&b, "a<b>&c\x01"); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCall(&b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != "a<b>&c\uFFFD" {
		t.Fatalf("method %q", c.Method)
	}
}

// A long log with a little of everything must survive whole: it is what
// readProcessStdoutLog sends.
func TestRoundTripLargeLog(t *testing.T) {
	var log strings.Builder
	for i := range 20000 {
		log.WriteString("line <" + string(rune('a'+i%26)) + "> & \x1b[1mbold\x1b[0m \r\n")
	}
	in := log.String()
	want := strings.ReplaceAll(in, "\x1b", "\uFFFD")
	var b bytes.Buffer
	if err := EncodeResponse(&b, in); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("log changed (%d bytes in, %d out)", len(want), len(got.(string)))
	}
}
