package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Value is a decoded XML-RPC value: one of int, bool, string, float64,
// []byte, time.Time, []any, map[string]any, or nil for the <nil/>
// extension. The encoders take these (except nil, which supervisord never
// sends and a strict client would refuse) and a few more Go types; see
// EncodeResponse.
type Value = any

// Call is a decoded methodCall.
type Call struct {
	Method string
	Params []Value
}

const (
	// MaxCallSize bounds a request body. supervisorctl's requests are a
	// few hundred bytes; the largest it can send is sendProcessStdin with
	// what a user typed.
	MaxCallSize = 4 << 20
	// MaxResponseSize bounds a response body; responses carry log text,
	// which a client may ask for in large pieces.
	MaxResponseSize = 64 << 20
	// MaxDepth bounds how deeply arrays and structs nest. supervisord's
	// deepest value is three levels (reloadConfig's [[added, changed,
	// removed]] lists); the bound keeps a hostile request from making the
	// recursive decoder use unbounded stack.
	MaxDepth = 64
)

// ErrTooLarge is wrapped by the error for a body over the size limit, so
// that an HTTP handler can answer 413 instead of 400.
var ErrTooLarge = errors.New("xmlrpc: body too large")

var errTooDeep = fmt.Errorf("xmlrpc: arrays and structs nested deeper than %d", MaxDepth)

// DecodeCall reads a methodCall. It refuses, with an error saying what is
// wrong: DOCTYPE and ENTITY declarations (nothing is expanded), bodies over
// MaxCallSize bytes (an HTTP handler should still wrap the body in
// http.MaxBytesReader, whose error comes through), arrays and structs
// nested deeper than MaxDepth, malformed XML, and XML that is not a
// methodCall. Params is empty, not nil, for a call without parameters,
// with or without <params>.
func DecodeCall(r io.Reader) (*Call, error) {
	p := newParser(r, MaxCallSize)
	if err := p.root("methodCall"); err != nil {
		return nil, err
	}
	c, err := p.call()
	if err != nil {
		return nil, err
	}
	if err := p.finish("methodCall"); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeResponse reads a methodResponse of at most MaxResponseSize bytes
// and returns its one value, or a *Fault as the error when the server
// answered with a fault.
func DecodeResponse(r io.Reader) (Value, error) {
	return decodeResponse(r, MaxResponseSize)
}

func decodeResponse(r io.Reader, limit int64) (Value, error) {
	p := newParser(r, limit)
	if err := p.root("methodResponse"); err != nil {
		return nil, err
	}
	v, fault, err := p.response()
	if err != nil {
		return nil, err
	}
	if err := p.finish("methodResponse"); err != nil {
		return nil, err
	}
	if fault != nil {
		return nil, fault
	}
	return v, nil
}

// parser reads the XML-RPC grammar by recursive descent over the tokens of
// encoding/xml, which checks well-formedness (matching tags, valid UTF-8,
// allowed characters) and expands only the five predefined entities and
// character references.
type parser struct {
	d *xml.Decoder
}

func newParser(r io.Reader, limit int64) *parser {
	d := xml.NewDecoder(&limitReader{r: r, left: limit + 1, limit: limit})
	d.CharsetReader = charsetReader
	return &parser{d: d}
}

// read returns the next token other than a comment. A DOCTYPE is refused
// before anything in it is looked at: XML-RPC has no use for one, and
// refusing it is the whole defence against entity expansion ("billion
// laughs") and external entities.
func (p *parser) read() (xml.Token, error) {
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil, p.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Comment:
			continue
		case xml.Directive:
			return nil, directiveError(t)
		}
		return tok, nil
	}
}

// inside is read for where the document may not end yet.
func (p *parser) inside() (xml.Token, error) {
	tok, err := p.read()
	if err == io.EOF {
		return nil, errors.New("xmlrpc: document ends early")
	}
	return tok, err
}

func directiveError(d xml.Directive) error {
	word := string(d)
	if i := strings.IndexFunc(word, notLetter); i >= 0 {
		word = word[:i]
	}
	if strings.EqualFold(word, "DOCTYPE") || strings.EqualFold(word, "ENTITY") {
		return errors.New("xmlrpc: DOCTYPE and ENTITY declarations are not allowed")
	}
	return fmt.Errorf("xmlrpc: unexpected declaration <!%.20s>", word)
}

func notLetter(r rune) bool {
	return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
}

func (p *parser) wrap(err error) error {
	var syn *xml.SyntaxError
	switch {
	case err == io.EOF:
		return err
	case errors.As(err, &syn):
		return fmt.Errorf("xmlrpc: malformed XML: line %d: %s", syn.Line, syn.Msg)
	case errors.Is(err, ErrTooLarge):
		return err
	}
	// A failing reader (http.MaxBytesReader, a dropped connection) or an
	// encoding charsetReader refused.
	return fmt.Errorf("xmlrpc: %w", err)
}

// next returns the next start or end tag inside the document, skipping
// whitespace between tags and refusing any other text there.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.inside()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return tok, nil
		case xml.CharData:
			if !isSpace(t) {
				return nil, fmt.Errorf("xmlrpc: unexpected text %.20q", string(t))
			}
		case xml.ProcInst:
			return nil, fmt.Errorf("xmlrpc: unexpected processing instruction <?%s", t.Target)
		}
	}
}

// root skips the prolog and checks the root element's name.
func (p *parser) root(want string) error {
	for first := true; ; first = false {
		tok, err := p.read()
		if err == io.EOF {
			return errors.New("xmlrpc: empty document")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != want {
				return fmt.Errorf("xmlrpc: root element is <%s>, want <%s>", t.Name.Local, want)
			}
			return nil
		case xml.CharData:
			if first {
				// encoding/xml passes a byte order mark on as text;
				// Windows tools write one.
				t = bytes.TrimPrefix(t, []byte("\uFEFF"))
			}
			if !isSpace(t) {
				return fmt.Errorf("xmlrpc: text %.20q before <%s>", string(t), want)
			}
		}
	}
}

// finish reads to the end of the body, which must hold nothing but
// whitespace, comments and processing instructions: Python's parser
// rejects the same, and a second document could hide a second call.
func (p *parser) finish(root string) error {
	for {
		tok, err := p.read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("xmlrpc: <%s> after </%s>", t.Name.Local, root)
		case xml.CharData:
			if !isSpace(t) {
				return fmt.Errorf("xmlrpc: text %.20q after </%s>", string(t), root)
			}
		}
	}
}

// expect reads the start tag of name, or an end tag when name is "".
func (p *parser) expect(name string) error {
	tok, err := p.next()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if t.Name.Local == name {
			return nil
		}
		return fmt.Errorf("xmlrpc: unexpected <%s>%s", t.Name.Local, wanted(name))
	case xml.EndElement:
		if name == "" {
			return nil
		}
		return fmt.Errorf("xmlrpc: unexpected </%s>%s", t.Name.Local, wanted(name))
	}
	return nil
}

func wanted(name string) string {
	if name == "" {
		return ", want an end tag"
	}
	return ", want <" + name + ">"
}

// nextStart returns the name of the next start tag, or "" at an end tag.
func (p *parser) nextStart() (string, error) {
	tok, err := p.next()
	if err != nil {
		return "", err
	}
	if t, ok := tok.(xml.StartElement); ok {
		return t.Name.Local, nil
	}
	return "", nil
}

// call reads what is inside <methodCall>: <methodName>, then <params>,
// which Python's client always sends but other clients may leave out.
func (p *parser) call() (*Call, error) {
	if err := p.expect("methodName"); err != nil {
		return nil, err
	}
	name, err := p.leaf("methodName")
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, errors.New("xmlrpc: empty <methodName>")
	}
	c := &Call{Method: name, Params: []Value{}}
	tag, err := p.nextStart()
	if err != nil || tag == "" {
		return c, err
	}
	if tag != "params" {
		return nil, fmt.Errorf("xmlrpc: unexpected <%s>, want <params>", tag)
	}
	if c.Params, err = p.params(); err != nil {
		return nil, err
	}
	return c, p.expect("")
}

// params reads <param> elements up to </params>.
func (p *parser) params() ([]Value, error) {
	list := []Value{}
	for {
		tag, err := p.nextStart()
		if err != nil || tag == "" {
			return list, err
		}
		if tag != "param" {
			return nil, fmt.Errorf("xmlrpc: unexpected <%s>, want <param>", tag)
		}
		v, err := p.param()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
}

// param reads the inside of <param> or <fault>: one <value>.
func (p *parser) param() (Value, error) {
	if err := p.expect("value"); err != nil {
		return nil, err
	}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	return v, p.expect("")
}

// response reads what is inside <methodResponse>: <params> with exactly
// one <param>, or <fault>.
func (p *parser) response() (Value, *Fault, error) {
	tag, err := p.nextStart()
	if err != nil {
		return nil, nil, err
	}
	switch tag {
	case "params":
		v, err := p.responseParams()
		return v, nil, err
	case "fault":
		f, err := p.fault()
		return nil, f, err
	}
	return nil, nil, fmt.Errorf("xmlrpc: <methodResponse> holds %s, want <params> or <fault>", describeTag(tag))
}

func describeTag(tag string) string {
	if tag == "" {
		return "nothing"
	}
	return "<" + tag + ">"
}

func (p *parser) responseParams() (Value, error) {
	list, err := p.params()
	if err != nil {
		return nil, err
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("xmlrpc: response has %d params, want 1", len(list))
	}
	return list[0], p.expect("")
}

func (p *parser) fault() (*Fault, error) {
	v, err := p.param()
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	code, ok1 := m["faultCode"].(int)
	msg, ok2 := m["faultString"].(string)
	if !ok1 || !ok2 {
		return nil, errors.New("xmlrpc: fault is not a struct of int faultCode and string faultString")
	}
	return parseFault(code, msg), p.expect("")
}

// value reads what is inside <value>, up to and including </value>; depth
// counts the arrays and structs around it.
func (p *parser) value(depth int) (Value, error) {
	var text []byte
	for {
		tok, err := p.inside()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			// A <value> without a type element is a string.
			return string(text), nil
		case xml.StartElement:
			if !isSpace(text) {
				return nil, fmt.Errorf("xmlrpc: text %.20q next to <%s>", string(text), t.Name.Local)
			}
			return p.typedValue(t.Name.Local, depth)
		case xml.ProcInst:
			return nil, fmt.Errorf("xmlrpc: unexpected processing instruction <?%s", t.Target)
		}
	}
}

// typedValue reads a type element and the </value> after it.
func (p *parser) typedValue(tag string, depth int) (Value, error) {
	v, err := p.typed(tag, depth)
	if err != nil {
		return nil, err
	}
	return v, p.expect("")
}

func (p *parser) typed(tag string, depth int) (Value, error) {
	switch tag {
	case "array":
		return p.array(depth)
	case "struct":
		return p.structure(depth)
	}
	parse, ok := scalars[tag]
	if !ok {
		return nil, fmt.Errorf("xmlrpc: unknown value type <%s>", tag)
	}
	s, err := p.leaf(tag)
	if err != nil {
		return nil, err
	}
	v, err := parse(s)
	if err != nil {
		return nil, fmt.Errorf("xmlrpc: bad <%s> %.40q: %w", tag, s, err)
	}
	return v, nil
}

// leaf reads the text of an element that holds no elements, up to and
// including its end tag.
func (p *parser) leaf(tag string) (string, error) {
	var text []byte
	for {
		tok, err := p.inside()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			return string(text), nil
		case xml.StartElement:
			return "", fmt.Errorf("xmlrpc: unexpected <%s> inside <%s>", t.Name.Local, tag)
		default:
			return "", fmt.Errorf("xmlrpc: unexpected processing instruction inside <%s>", tag)
		}
	}
}

func (p *parser) array(depth int) ([]any, error) {
	if depth >= MaxDepth {
		return nil, errTooDeep
	}
	if err := p.expect("data"); err != nil {
		return nil, err
	}
	list := []any{}
	for {
		tag, err := p.nextStart()
		if err != nil {
			return nil, err
		}
		if tag == "" {
			return list, p.expect("") // </array>
		}
		if tag != "value" {
			return nil, fmt.Errorf("xmlrpc: unexpected <%s> in <data>, want <value>", tag)
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
}

func (p *parser) structure(depth int) (map[string]any, error) {
	if depth >= MaxDepth {
		return nil, errTooDeep
	}
	m := map[string]any{}
	for {
		tag, err := p.nextStart()
		if err != nil || tag == "" {
			return m, err
		}
		if tag != "member" {
			return nil, fmt.Errorf("xmlrpc: unexpected <%s> in <struct>, want <member>", tag)
		}
		if err := p.member(m, depth); err != nil {
			return nil, err
		}
	}
}

// member reads <name> then <value> and the </member> after them. A name
// given twice keeps its last value, as in Python.
func (p *parser) member(m map[string]any, depth int) error {
	if err := p.expect("name"); err != nil {
		return err
	}
	name, err := p.leaf("name")
	if err != nil {
		return err
	}
	if err := p.expect("value"); err != nil {
		return err
	}
	v, err := p.value(depth + 1)
	if err != nil {
		return err
	}
	m[name] = v
	return p.expect("")
}

// scalars parse the text of each scalar type, under every name Python's
// xmlrpc.client reads.
var scalars = map[string]func(string) (Value, error){
	"string":           func(s string) (Value, error) { return s, nil },
	"int":              parseInt,
	"i4":               parseInt,
	"i8":               parseInt,
	"i1":               parseInt,
	"i2":               parseInt,
	"biginteger":       parseInt,
	"boolean":          parseBool,
	"double":           parseDouble,
	"float":            parseDouble,
	"base64":           parseBase64,
	"dateTime.iso8601": parseDateTime,
	"nil":              parseNil,
}

func parseInt(s string) (Value, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, strconv.IntSize)
	if err != nil {
		return nil, err.(*strconv.NumError).Err
	}
	return int(n), nil
}

func parseBool(s string) (Value, error) {
	switch strings.TrimSpace(s) {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return nil, errors.New("not 0 or 1")
}

func parseDouble(s string) (Value, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return nil, err.(*strconv.NumError).Err
	}
	return f, nil
}

// parseBase64 ignores whitespace because Python breaks the text into lines
// of 76 characters.
func parseBase64(s string) (Value, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, errors.New("invalid base64")
	}
	return b, nil
}

// dateTimeLayouts are Python's form first, then the ISO 8601 extended
// forms other clients send. XML-RPC times carry no zone; reading them as
// UTC matches EncodeResponse, which writes UTC.
var dateTimeLayouts = []string{dateTimeLayout, "2006-01-02T15:04:05", time.RFC3339}

func parseDateTime(s string) (Value, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return nil, errors.New("not a date and time like 20060102T15:04:05")
}

func parseNil(s string) (Value, error) {
	if !isSpace([]byte(s)) {
		return nil, errors.New("not empty")
	}
	return nil, nil
}

func isSpace(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\n")) == 0
}

// limitReader fails with ErrTooLarge once more than limit bytes were read.
// It reads one byte past the limit first, so a body of exactly limit bytes
// still passes.
type limitReader struct {
	r     io.Reader
	left  int64 // limit+1 minus what was read
	limit int64
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("%w: over %d bytes", ErrTooLarge, l.limit)
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= int64(n)
	if l.left <= 0 {
		err = fmt.Errorf("%w: over %d bytes", ErrTooLarge, l.limit)
	}
	return n, err
}

// charsetReader accepts the encodings an XML-RPC client may declare and
// that need no table: Python declares any encoding other than UTF-8 it is
// told to use, and latin-1 is the one people use.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin-1", "latin1":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// latin1Reader turns ISO-8859-1 into UTF-8: each byte is the code point of
// the same number.
type latin1Reader struct {
	r       io.Reader
	pending []byte
	buf     [512]byte
}

func (l *latin1Reader) Read(b []byte) (int, error) {
	if len(l.pending) == 0 {
		n, err := l.r.Read(l.buf[:])
		for _, c := range l.buf[:n] {
			l.pending = append(l.pending, string(rune(c))...)
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(b, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}
