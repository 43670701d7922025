package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The prolog is what Python's own server writes; the encoding is left out
// because UTF-8 is the default and is what we write.
const prolog = `<?xml version="1.0"?>` + "\n"

// dateTimeLayout is the only form Python's xmlrpc.client reads into a
// datetime.
const dateTimeLayout = "20060102T15:04:05"

// EncodeResponse writes a methodResponse carrying v as its one param. v may
// be an int, int64, bool, string, float64, []byte, time.Time, []any,
// []string, []map[string]any or map[string]any, nested to MaxDepth arrays
// and structs; anything else, nil included, is an error, and then nothing
// is written. Ints are written as <int> whatever their size: Python reads
// any size, though a strict 32-bit client would not.
func EncodeResponse(w io.Writer, v any) error {
	var e encoder
	e.WriteString(prolog + "<methodResponse><params><param>")
	if err := e.value(v, 0); err != nil {
		return err
	}
	e.WriteString("</param></params></methodResponse>\n")
	return e.flush(w)
}

// EncodeFault writes a methodResponse holding a fault. msg is the whole
// faultString; a *Fault's Error method gives it in supervisord's form.
func EncodeFault(w io.Writer, code int, msg string) error {
	var e encoder
	e.WriteString(prolog + "<methodResponse><fault>")
	if err := e.value(faultStruct(code, msg), 0); err != nil {
		return err
	}
	e.WriteString("</fault></methodResponse>\n")
	return e.flush(w)
}

// EncodeCall writes a methodCall, taking the same values as EncodeResponse.
func EncodeCall(w io.Writer, method string, params ...any) error {
	if method == "" {
		return errors.New("xmlrpc: empty method name")
	}
	var e encoder
	e.WriteString(prolog + "<methodCall><methodName>")
	e.text(method)
	e.WriteString("</methodName><params>")
	for _, p := range params {
		e.WriteString("<param>")
		if err := e.value(p, 0); err != nil {
			return err
		}
		e.WriteString("</param>")
	}
	e.WriteString("</params></methodCall>\n")
	return e.flush(w)
}

// encoder builds the whole document before writing any of it, so that a
// value it cannot encode leaves the writer (an HTTP response) untouched
// and the caller free to send a fault instead.
type encoder struct {
	bytes.Buffer
}

func (e *encoder) flush(w io.Writer) error {
	_, err := w.Write(e.Bytes())
	return err
}

// value takes the number of arrays and structs around v, to refuse what
// DecodeCall would refuse and to stop on a slice or map that contains
// itself.
func (e *encoder) value(v any, depth int) error {
	e.WriteString("<value>")
	if err := e.typed(v, depth); err != nil {
		return err
	}
	e.WriteString("</value>")
	return nil
}

func (e *encoder) typed(v any, depth int) error {
	switch x := v.(type) {
	case string:
		e.WriteString("<string>")
		e.text(x)
		e.WriteString("</string>")
	case int:
		e.int(int64(x))
	case int64:
		e.int(x)
	case bool:
		e.bool(x)
	case float64:
		e.double(x)
	case []byte:
		e.base64(x)
	case time.Time:
		e.WriteString("<dateTime.iso8601>" + x.UTC().Format(dateTimeLayout) + "</dateTime.iso8601>")
	case map[string]any:
		return e.structure(x, depth)
	case []any:
		return encodeArray(e, x, depth)
	case []string:
		return encodeArray(e, x, depth)
	case []map[string]any:
		return encodeArray(e, x, depth)
	default:
		return fmt.Errorf("xmlrpc: cannot encode a value of type %T", v)
	}
	return nil
}

func (e *encoder) int(n int64) {
	e.WriteString("<int>")
	e.Write(strconv.AppendInt(e.AvailableBuffer(), n, 10))
	e.WriteString("</int>")
}

func (e *encoder) bool(b bool) {
	if b {
		e.WriteString("<boolean>1</boolean>")
	} else {
		e.WriteString("<boolean>0</boolean>")
	}
}

// double avoids exponents where it can (as encoding/json does), because
// the XML-RPC spec has none; Python reads either.
func (e *encoder) double(f float64) {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'g'
	}
	e.WriteString("<double>")
	e.Write(strconv.AppendFloat(e.AvailableBuffer(), f, format, -1, 64))
	e.WriteString("</double>")
}

func (e *encoder) base64(b []byte) {
	e.WriteString("<base64>")
	enc := base64.NewEncoder(base64.StdEncoding, e)
	enc.Write(b)
	enc.Close()
	e.WriteString("</base64>")
}

func (e *encoder) structure(m map[string]any, depth int) error {
	if depth >= MaxDepth {
		return errTooDeep
	}
	e.WriteString("<struct>")
	// Sorted, so that the same value always gives the same bytes.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.WriteString("<member><name>")
		e.text(k)
		e.WriteString("</name>")
		if err := e.value(m[k], depth+1); err != nil {
			return err
		}
		e.WriteString("</member>")
	}
	e.WriteString("</struct>")
	return nil
}

func encodeArray[T any](e *encoder, s []T, depth int) error {
	if depth >= MaxDepth {
		return errTooDeep
	}
	if len(s) == 0 {
		e.WriteString("<array><data/></array>")
		return nil
	}
	e.WriteString("<array><data>")
	for _, v := range s {
		if err := e.value(v, depth+1); err != nil {
			return err
		}
	}
	e.WriteString("</data></array>")
	return nil
}

// text writes s as XML character data that any XML 1.0 parser accepts; see
// the package documentation for what is replaced. Runs of plain characters
// are copied in one go since log text is mostly plain.
func (e *encoder) text(s string) {
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		esc := escape(r, n)
		if esc != "" {
			e.WriteString(s[start:i])
			e.WriteString(esc)
			start = i + n
		}
		i += n
	}
	e.WriteString(s[start:])
}

// escape returns what to write instead of rune r (n bytes long in the
// input), or "" to keep it.
func escape(r rune, n int) string {
	switch {
	case r == '&':
		return "&amp;"
	case r == '<':
		return "&lt;"
	case r == '>':
		return "&gt;"
	case r == '\r':
		return "&#13;"
	case r == utf8.RuneError && n == 1, !isXMLChar(r):
		return "\uFFFD"
	}
	return ""
}

// isXMLChar reports whether XML 1.0 allows r in a document (its Char
// production).
func isXMLChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	}
	return r >= 0x10000 && r <= utf8.MaxRune
}
