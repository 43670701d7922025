package xmlrpc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeCall checks that no body makes DecodeCall panic or return both
// or neither of a call and an error, and that whatever it accepts the
// encoder writes back in a form that decodes to the same bytes again.
// Seeds: the Python requests in testdata/python and the corpus in
// testdata/fuzz/FuzzDecodeCall.
func FuzzDecodeCall(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "python", "call_*.xml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(billionLaughs))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCall(bytes.NewReader(data))
		if (c == nil) == (err == nil) {
			t.Fatalf("call %#v with error %v", c, err)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "xmlrpc: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		if c.Method == "" || c.Params == nil {
			t.Fatalf("incomplete call %#v", c)
		}
		first, ok := reencode(t, c)
		if !ok {
			return
		}
		c2, err := DecodeCall(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("cannot decode our own %q: %v", first, err)
		}
		second, _ := reencode(t, c2)
		if !bytes.Equal(first, second) {
			t.Fatalf("not stable:\n%q\n%q", first, second)
		}
	})
}

// reencode encodes a decoded call; ok is false for a call holding <nil/>,
// which is decoded but never encoded.
func reencode(t *testing.T, c *Call) ([]byte, bool) {
	var b bytes.Buffer
	err := EncodeCall(&b, c.Method, c.Params...)
	if err != nil && hasNil(c.Params) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("cannot encode a decoded call %#v: %v", c, err)
	}
	return b.Bytes(), true
}

func hasNil(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		for _, e := range x {
			if hasNil(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasNil(e) {
				return true
			}
		}
	}
	return false
}
