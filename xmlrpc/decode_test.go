package xmlrpc

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// call wraps param values (the XML of each <value>) in a methodCall.
func call(values ...string) string {
	var b strings.Builder
	b.WriteString("<methodCall><methodName>m</methodName><params>")
	for _, v := range values {
		b.WriteString("<param>" + v + "</param>")
	}
	b.WriteString("</params></methodCall>")
	return b.String()
}

// Inputs other clients send, or that are legal XML-RPC, that Python's
// client never writes.
func TestDecodeCallAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []any
	}{
		{"bare value is a string", call("<value>web</value>"), []any{"web"}},
		{"bare value keeps spaces", call("<value> a b </value>"), []any{" a b "}},
		{"empty bare value", call("<value></value>", "<value/>"), []any{"", ""}},
		{"empty string element", call("<value><string/></value>"), []any{""}},
		{"i4", call("<value><i4>-12</i4></value>"), []any{-12}},
		{"i8 beyond 32 bits", call("<value><i8>9007199254740993</i8></value>"), []any{9007199254740993}},
		{"int beyond 32 bits", call("<value><int>-4294967296</int></value>"), []any{-4294967296}},
		{"int64 limits", call("<value><int>9223372036854775807</int></value>", "<value><int>-9223372036854775808</int></value>"),
			[]any{math.MaxInt64, math.MinInt64}},
		{"other integer spellings", call("<value><i1>1</i1></value>", "<value><i2>2</i2></value>", "<value><biginteger>3</biginteger></value>"),
			[]any{1, 2, 3}},
		{"int with spaces and sign", call("<value><int> +5\n</int></value>"), []any{5}},
		{"float spelling", call("<value><float>0.25</float></value>"), []any{0.25}},
		{"double forms", call("<value><double>-1.5E3</double></value>", "<value><double>.5</double></value>", "<value><double>-inf</double></value>"),
			[]any{-1500.0, 0.5, math.Inf(-1)}},
		{"boolean", call("<value><boolean>0</boolean></value>", "<value><boolean> 1 </boolean></value>"), []any{false, true}},
		{"base64 with line breaks", call("<value><base64>\naGVs\r\nbG8=\n</base64></value>"), []any{[]byte("hello")}},
		{"empty base64", call("<value><base64/></value>"), []any{[]byte{}}},
		{"dateTime extended", call("<value><dateTime.iso8601>2024-02-29T23:59:58</dateTime.iso8601></value>"), []any{when}},
		{"dateTime with zone", call("<value><dateTime.iso8601>2024-03-01T00:59:58+01:00</dateTime.iso8601></value>"), []any{when}},
		{"nil", call("<value><nil/></value>", "<value><nil></nil></value>"), []any{nil, nil}},
		{"namespaced nil", call(`<value><ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/></value>`), []any{nil}},
		{"whitespace around the type", call("<value>\n  <int>1</int>\n</value>"), []any{1}},
		{"comments anywhere", "<!--a--><methodCall><!--b--><methodName>m<!--c--></methodName><params><param><value><string>x<!--d-->y</string></value></param></params></methodCall><!--e-->",
			[]any{"xy"}},
		{"CDATA", call("<value><string><![CDATA[<not a tag> & ]]></string></value>"), []any{"<not a tag> & "}},
		{"character references", call("<value>&#233;&#x2603;&lt;&quot;&apos;&#13;</value>"), []any{"é☃<\"'\r"}},
		{"line ends normalised", call("<value>a\r\nb\rc</value>"), []any{"a\nb\nc"}},
		{"no params element", "<methodCall><methodName>m</methodName></methodCall>", []any{}},
		{"empty params", "<methodCall><methodName>m</methodName><params/></methodCall>", []any{}},
		{"prolog with UTF-8 declared", `<?xml version="1.0" encoding="UTF-8"?>` + call("<value>é</value>"), []any{"é"}},
		{"latin-1 declared", "<?xml version='1.0' encoding='ISO-8859-1'?>" + call("<value>caf\xe9</value>"), []any{"café"}},
		{"byte order mark", "\xef\xbb\xbf" + call("<value>x</value>"), []any{"x"}},
		{"byte order mark and prolog", "\xef\xbb\xbf<?xml version='1.0'?>\n" + call("<value>x</value>"), []any{"x"}},
		{"duplicate member keeps the last", call("<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>"),
			[]any{map[string]any{"a": "2"}}},
		{"member name kept as sent", call("<value><struct><member><name> a </name><value/></member></struct></value>"),
			[]any{map[string]any{" a ": ""}}},
		{"self-closing data", call("<value><array><data/></array></value>"), []any{[]any{}}},
		{"trailing whitespace", call("<value>x</value>") + "\n\n", []any{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeCall(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if c.Method != "m" || !reflect.DeepEqual(c.Params, tt.want) {
				t.Errorf("got %q %#v, want %#v", c.Method, c.Params, tt.want)
			}
		})
	}
}

func TestDecodeCallRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "empty document"},
		{"only space", " \n", "empty document"},
		{"not XML", "hello", "text \"hello\" before <methodCall>"},
		{"JSON", `{"method": "x"}`, "before <methodCall>"},
		{"truncated", "<methodCall><methodName>m</methodName><params><param><value><str", "malformed XML"},
		{"truncated after root", "<methodCall><methodName>m</methodName>", "malformed XML"},
		{"wrong root", "<methodResponse><params/></methodResponse>", "root element is <methodResponse>, want <methodCall>"},
		{"HTML", "<html><body>hi</body></html>", "root element is <html>"},
		{"mismatched tags", "<methodCall><methodName>m</methodname></methodCall>", "malformed XML"},
		{"no method name", "<methodCall><params/></methodCall>", "unexpected <params>, want <methodName>"},
		{"empty method name", "<methodCall><methodName></methodName></methodCall>", "empty <methodName>"},
		{"element in method name", "<methodCall><methodName>a<b/></methodName></methodCall>", "unexpected <b> inside <methodName>"},
		{"no methodName at all", "<methodCall/>", "unexpected </methodCall>, want <methodName>"},
		{"unknown element after name", "<methodCall><methodName>m</methodName><param/></methodCall>", "unexpected <param>, want <params>"},
		{"text between tags", "<methodCall>junk<methodName>m</methodName></methodCall>", "unexpected text \"junk\""},
		{"two params elements", "<methodCall><methodName>m</methodName><params/><params/></methodCall>", "unexpected <params>, want an end tag"},
		{"value outside param", "<methodCall><methodName>m</methodName><params><value/></params></methodCall>", "unexpected <value>, want <param>"},
		{"param without value", call(""), "unexpected </param>, want <value>"},
		{"param with two values", "<methodCall><methodName>m</methodName><params><param><value/><value/></param></params></methodCall>", "unexpected <value>, want an end tag"},
		{"unknown type", call("<value><integer>1</integer></value>"), "unknown value type <integer>"},
		{"two types", call("<value><int>1</int><int>2</int></value>"), "unexpected <int>, want an end tag"},
		{"text beside type", call("<value>1<int>1</int></value>"), "text \"1\" next to <int>"},
		{"bad int", call("<value><int>one</int></value>"), "bad <int> \"one\": invalid syntax"},
		{"int overflow", call("<value><int>9223372036854775808</int></value>"), "value out of range"},
		{"fractional int", call("<value><int>1.0</int></value>"), "bad <int>"},
		{"empty int", call("<value><int/></value>"), "bad <int>"},
		{"bad boolean", call("<value><boolean>true</boolean></value>"), "bad <boolean> \"true\": not 0 or 1"},
		{"bad double", call("<value><double>1,5</double></value>"), "bad <double>"},
		{"bad base64", call("<value><base64>!!!!</base64></value>"), "bad <base64>"},
		{"bad dateTime", call("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>"), "bad <dateTime.iso8601>"},
		{"nil with content", call("<value><nil>x</nil></value>"), "bad <nil>"},
		{"element inside string", call("<value><string>a<b/></string></value>"), "unexpected <b> inside <string>"},
		{"array without data", call("<value><array><value/></array></value>"), "unexpected <value>, want <data>"},
		{"array with two data", call("<value><array><data/><data/></array></value>"), "unexpected <data>, want an end tag"},
		{"junk in data", call("<value><array><data><int>1</int></data></array></value>"), "unexpected <int> in <data>"},
		{"junk in struct", call("<value><struct><value/></struct></value>"), "unexpected <value> in <struct>"},
		{"member without name", call("<value><struct><member><value/></member></struct></value>"), "unexpected <value>, want <name>"},
		{"member without value", call("<value><struct><member><name>a</name></member></struct></value>"), "unexpected </member>, want <value>"},
		{"member with two values", call("<value><struct><member><name>a</name><value/><value/></member></struct></value>"), "want an end tag"},
		{"second root", call("<value/>") + "<methodCall/>", "<methodCall> after </methodCall>"},
		{"text after root", call("<value/>") + "x", "text \"x\" after </methodCall>"},
		{"processing instruction inside", "<methodCall><?php x?><methodName>m</methodName></methodCall>", "processing instruction"},
		{"processing instruction in value", call("<value><?x?></value>"), "processing instruction"},
		{"raw control character", call("<value>a\x01</value>"), "illegal character code U+0001"},
		{"control character reference", call("<value>a&#1;</value>"), "illegal character code U+0001"},
		{"NUL reference", call("<value>&#0;</value>"), "malformed XML"},
		{"invalid UTF-8", call("<value>a\xff</value>"), "invalid UTF-8"},
		{"undefined entity", call("<value>&lol;</value>"), "malformed XML"},
		{"unsupported encoding", "<?xml version='1.0' encoding='EBCDIC-US'?><methodCall/>", `unsupported encoding "EBCDIC-US"`},
		{"DOCTYPE", "<!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>", "DOCTYPE and ENTITY declarations are not allowed"},
		{"lower-case doctype", "<!doctype methodCall><methodCall/>", "DOCTYPE and ENTITY"},
		{"DOCTYPE on next line", "<!DOCTYPE\nmethodCall><methodCall/>", "DOCTYPE and ENTITY"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + call("<value>&xxe;</value>"), "DOCTYPE and ENTITY"},
		{"DOCTYPE after root", call("<value/>") + "<!DOCTYPE x>", "DOCTYPE and ENTITY"},
		{"too deep", call(nestXML(MaxDepth + 1)), "nested deeper than 64"},
		{"too deep in structs", call(strings.Repeat("<value><struct><member><name>a</name>", MaxDepth+1) + "<value/>"), "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeCall(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got %#v, want an error", c)
			}
			if c != nil {
				t.Errorf("got a call %#v with the error", c)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "xmlrpc: ") {
				t.Errorf("error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

// nestXML is a <value> holding n nested arrays around an int.
func nestXML(n int) string {
	return strings.Repeat("<value><array><data>", n) + "<value><int>1</int></value>" + strings.Repeat("</data></array></value>", n)
}

func TestDecodeDepthLimit(t *testing.T) {
	c, err := DecodeCall(strings.NewReader(call(nestXML(MaxDepth))))
	if err != nil {
		t.Fatalf("%d levels refused: %v", MaxDepth, err)
	}
	if !reflect.DeepEqual(c.Params[0], nest(MaxDepth, 1)) {
		t.Errorf("got %#v", c.Params[0])
	}
	// A million levels must fail at the limit, not after reading them all.
	deep := call(strings.Repeat("<value><array><data>", (MaxCallSize-200)/len("<value><array><data>")))
	start := time.Now()
	if _, err := DecodeCall(strings.NewReader(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

// Every proper prefix of a real request is an error, never a shorter call.
func TestDecodeCallTruncated(t *testing.T) {
	body := readTestdata(t, "call_multicall.xml")
	end := bytes.LastIndex(body, []byte("</methodCall>")) + len("</methodCall>")
	for i := range end {
		if c, err := DecodeCall(bytes.NewReader(body[:i])); err == nil {
			t.Fatalf("prefix of %d bytes decoded to %#v", i, c)
		}
	}
	if _, err := DecodeCall(bytes.NewReader(body[:end])); err != nil {
		t.Fatalf("whole body: %v", err)
	}
}

// The classic entity bomb: a few hundred bytes that expand to gigabytes in
// a parser that honours the DTD.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>m</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>`

func TestBillionLaughsRefusedQuickly(t *testing.T) {
	start := time.Now()
	_, err := DecodeCall(strings.NewReader(billionLaughs))
	if err == nil || !strings.Contains(err.Error(), "DOCTYPE and ENTITY declarations are not allowed") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("took %v", d)
	}
}

// bodyOfSize is a valid call of exactly n bytes.
func bodyOfSize(n int) string {
	empty := call("<value></value>")
	return call("<value>" + strings.Repeat("x", n-len(empty)) + "</value>")
}

func TestDecodeCallSizeLimit(t *testing.T) {
	if _, err := DecodeCall(strings.NewReader(bodyOfSize(MaxCallSize))); err != nil {
		t.Fatalf("body of exactly MaxCallSize refused: %v", err)
	}
	if _, err := DecodeCall(strings.NewReader(bodyOfSize(MaxCallSize + 1))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over: error %v, want ErrTooLarge", err)
	}
	// An endless body must stop at the limit, not be read to its end.
	endless := io.MultiReader(strings.NewReader("<methodCall><methodName>"), neverEnding('a'))
	if _, err := DecodeCall(endless); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless body: error %v", err)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// The HTTP handler wraps the body in http.MaxBytesReader; its error must
// come through for errors.As, so the handler can tell it apart.
func TestDecodeCallReaderErrors(t *testing.T) {
	req := httptest.NewRequest("POST", "/RPC2", strings.NewReader(bodyOfSize(2000)))
	rec := httptest.NewRecorder()
	_, err := DecodeCall(http.MaxBytesReader(rec, req.Body, 1000))
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		t.Errorf("error %v, want an *http.MaxBytesError", err)
	}
	boom := errors.New("connection reset")
	if _, err := DecodeCall(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
	// Byte-at-a-time reads exercise every buffer boundary.
	c, err := DecodeCall(iotest.OneByteReader(bytes.NewReader(readTestdata(t, "call_types.xml"))))
	if err != nil || len(c.Params) != 20 {
		t.Errorf("one byte at a time: %v, %v", c, err)
	}
}

func TestDecodeResponseRefuses(t *testing.T) {
	const head = "<methodResponse><params><param><value>"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"call instead", call("<value/>"), "root element is <methodCall>, want <methodResponse>"},
		{"empty response", "<methodResponse/>", "holds nothing"},
		{"no params", "<methodResponse><params/></methodResponse>", "response has 0 params, want 1"},
		{"two params", "<methodResponse><params><param><value/></param><param><value/></param></params></methodResponse>", "response has 2 params"},
		{"other element", "<methodResponse><result/></methodResponse>", "holds <result>"},
		{"params and fault", head + "</value></param></params><fault/></methodResponse>", "want an end tag"},
		{"fault not a struct", "<methodResponse><fault><value>oops</value></fault></methodResponse>", "fault is not a struct"},
		{"fault code not int", "<methodResponse><fault><value><struct><member><name>faultCode</name><value>1</value></member>" +
			"<member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>", "fault is not a struct"},
		{"fault without string", "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member>" +
			"</struct></value></fault></methodResponse>", "fault is not a struct"},
		{"truncated", head + "<string>abc", "malformed XML"},
		{"DOCTYPE", "<!DOCTYPE x>" + head + "</value></param></params></methodResponse>", "DOCTYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeResponse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %#v, %v; want an error containing %q", v, err, tt.want)
			}
			var f *Fault
			if errors.As(err, &f) {
				t.Errorf("malformed response reported as a fault: %v", f)
			}
		})
	}
}

// The response limit is tested on a small limit: parsing MaxResponseSize
// bytes takes seconds, and the limit works as DecodeCall's does.
func TestDecodeResponseSizeLimit(t *testing.T) {
	const limit = 1000
	const empty = "<methodResponse><params><param><value></value></param></params></methodResponse>"
	at := strings.Index(empty, "</value>")
	body := func(n int) string {
		return empty[:at] + strings.Repeat("x", n-len(empty)) + empty[at:]
	}
	if v, err := decodeResponse(strings.NewReader(body(limit)), limit); err != nil || len(v.(string)) != limit-len(empty) {
		t.Fatalf("body of exactly the limit: %v", err)
	}
	if _, err := decodeResponse(strings.NewReader(body(limit+1)), limit); !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
}

func TestLimitReader(t *testing.T) {
	tests := []struct {
		size, limit int
		fail        bool
	}{
		{0, 0, false}, {1, 0, true}, {10, 10, false}, {11, 10, true}, {100000, 10, true}, {9, 10, false},
	}
	for _, tt := range tests {
		l := &limitReader{r: strings.NewReader(strings.Repeat("x", tt.size)), left: int64(tt.limit) + 1, limit: int64(tt.limit)}
		data, err := io.ReadAll(iotest.OneByteReader(l))
		if tt.fail != errors.Is(err, ErrTooLarge) {
			t.Errorf("%d bytes, limit %d: error %v", tt.size, tt.limit, err)
		}
		if !tt.fail && len(data) != tt.size {
			t.Errorf("%d bytes, limit %d: read %d", tt.size, tt.limit, len(data))
		}
	}
}
