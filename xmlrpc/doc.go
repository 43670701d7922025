// Package xmlrpc is the XML-RPC codec behind vigil's supervisord-compatible
// /RPC2 endpoint, so that an unmodified supervisorctl (which talks through
// Python's xmlrpc.client) can drive vigil. It only turns bytes into values
// and back; which methods exist is decided elsewhere.
//
// Decoded values are int (from <int>, <i4>, <i8> and the other integer
// spellings Python accepts), bool, string (also a <value> without a type
// element), float64, []byte (<base64>), time.Time (<dateTime.iso8601>, read
// as UTC), []any (<array>), map[string]any (<struct>) and nil (<nil/>).
//
// Requests are untrusted: DecodeCall refuses DOCTYPE and ENTITY
// declarations outright instead of expanding them, caps the body at
// MaxCallSize and the nesting of arrays and structs at MaxDepth, and
// rejects anything that is not a well-formed methodCall.
//
// Text on the way out is made safe for an XML 1.0 parser, because
// supervisord's log methods hand raw program output to the client as
// strings and Python's parser (expat) rejects the whole response over one
// stray byte. Each byte that is not part of valid UTF-8 and each character
// XML 1.0 forbids (C0 controls other than tab, newline and carriage return,
// such as the ESC of colour codes, and U+FFFE, U+FFFF) becomes U+FFFD.
// A carriage return is written as &#13; so that the parser's line-end
// normalisation does not turn it into a newline.
package xmlrpc
