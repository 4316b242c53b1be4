package decoder

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of values the scanner will skip, so a hostile
// body of a million '[' cannot exhaust the stack.
const maxDepth = 64

// scanner is a strict JSON (RFC 8259) lexer over one string. Each method
// either consumes a whole token and returns nil, or returns a *syntaxError
// at the offset where the input went wrong.
type scanner struct {
	s string
	p int
}

type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg + " at offset " + strconv.Itoa(e.off) }

func (sc *scanner) fail(msg string) error { return &syntaxError{off: sc.p, msg: msg} }

func (sc *scanner) ws() {
	// Compact JSON has no white space between tokens: leave at once.
	if sc.p < len(sc.s) && sc.s[sc.p] > ' ' {
		return
	}
	for sc.p < len(sc.s) {
		switch sc.s[sc.p] {
		case ' ', '\t', '\n', '\r':
			sc.p++
		default:
			return
		}
	}
}

// peek returns the next non-space byte without consuming it (0 at the end).
func (sc *scanner) peek() byte {
	sc.ws()
	if sc.p >= len(sc.s) {
		return 0
	}
	return sc.s[sc.p]
}

func (sc *scanner) expect(c byte) error {
	if sc.peek() != c {
		return sc.fail("expected '" + string(c) + "', found " + sc.found())
	}
	sc.p++
	return nil
}

// found describes what stands at the current offset, for error messages.
func (sc *scanner) found() string {
	if sc.p >= len(sc.s) {
		return "end of input"
	}
	c := sc.s[sc.p]
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return "byte 0x" + strconv.FormatUint(uint64(c), 16)
}

// valueType names the JSON type of the next value, for type errors.
func (sc *scanner) valueType() string {
	switch sc.peek() {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	}
	return "invalid value"
}

// null consumes a literal null if one is next.
func (sc *scanner) null() (bool, error) {
	if sc.peek() != 'n' {
		return false, nil
	}
	return true, sc.literal("null")
}

func (sc *scanner) literal(word string) error {
	if len(sc.s)-sc.p < len(word) || sc.s[sc.p:sc.p+len(word)] != word {
		return sc.fail("invalid literal, found " + sc.found())
	}
	sc.p += len(word)
	return nil
}

func (sc *scanner) boolean() (bool, error) {
	switch sc.peek() {
	case 't':
		return true, sc.literal("true")
	case 'f':
		return false, sc.literal("false")
	}
	return false, sc.fail("expected a boolean")
}

// beginObject consumes '{'. Iterate the members with nextKey.
func (sc *scanner) beginObject() error { return sc.expect('{') }

// nextKey consumes the separator before the next member and its key and
// colon; ok is false after the closing '}'. first must start true.
func (sc *scanner) nextKey(first *bool) (key string, ok bool, err error) {
	c := sc.peek()
	if c == '}' {
		sc.p++
		return "", false, nil
	}
	if !*first {
		if c != ',' {
			return "", false, sc.fail("expected ',' or '}' in object, found " + sc.found())
		}
		sc.p++
		c = sc.peek()
	}
	*first = false
	if c != '"' {
		return "", false, sc.fail("expected a member name in quotes, found " + sc.found())
	}
	if key, err = sc.str(); err != nil {
		return "", false, err
	}
	if err = sc.expect(':'); err != nil {
		return "", false, err
	}
	return key, true, nil
}

// beginArray consumes '['. Iterate the elements with nextElem.
func (sc *scanner) beginArray() error { return sc.expect('[') }

// nextElem consumes the separator before the next element; ok is false
// after the closing ']'.
func (sc *scanner) nextElem(first *bool) (bool, error) {
	c := sc.peek()
	if c == ']' {
		sc.p++
		return false, nil
	}
	if !*first {
		if c != ',' {
			return false, sc.fail("expected ',' or ']' in array, found " + sc.found())
		}
		sc.p++
		if sc.peek() == ']' {
			return false, sc.fail("trailing comma in array")
		}
	}
	*first = false
	return true, nil
}

// str consumes a string. Without escapes the result is a substring of the
// input (no allocation); with escapes it is decoded into a new string.
// Invalid UTF-8 and unescaped control characters are errors.
func (sc *scanner) str() (string, error) {
	if sc.peek() != '"' {
		return "", sc.fail("expected a string, found " + sc.found())
	}
	sc.p++
	start := sc.p
	ascii := true
	s := sc.s
	i := start
	// Eight bytes at a time while none of them is special (SWAR): most
	// strings of a chaos event are plain ASCII from end to end.
	for i+8 <= len(s) && !hasSpecial8(load8(s, i)) {
		i += 8
	}
	for ; i < len(s); i++ {
		// One table lookup per byte: plain ASCII never reaches the switch.
		c := s[i]
		if !strSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			sc.p = i + 1
			out := s[start:i]
			if !ascii && !utf8.ValidString(out) {
				sc.p = start
				return "", sc.fail("invalid UTF-8 in string")
			}
			return out, nil
		case c == '\\':
			return sc.escaped(start, i)
		case c < 0x20:
			sc.p = i
			return "", sc.fail("control character in string (escape it)")
		default:
			ascii = false
		}
	}
	sc.p = len(s)
	return "", sc.fail("unterminated string")
}

// load8 reads 8 bytes little-endian; the compiler fuses it into one load.
func load8(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasSpecial8 reports whether any byte of w is one strSpecial marks: a
// quote, a backslash, a control character or a non-ASCII byte. For bytes
// below 0x80 the subtractions cannot borrow across lanes, and a word with
// any byte at or above 0x80 is reported by its high bit alone.
func hasSpecial8(w uint64) bool {
	quote := w ^ (lsb * '"')
	backslash := w ^ (lsb * '\\')
	return (w|((quote-lsb)&^quote)|((backslash-lsb)&^backslash)|(w-lsb*0x20))&msb != 0
}

// strSpecial marks the bytes that end or complicate a string: the quote,
// the backslash, control characters and the non-ASCII bytes (UTF-8 to check).
var strSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

// escaped decodes a string that has escapes, from its first one at i.
func (sc *scanner) escaped(start, i int) (string, error) {
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, sc.s[start:i]...)
	for i < len(sc.s) {
		c := sc.s[i]
		switch {
		case c == '"':
			sc.p = i + 1
			if !utf8.Valid(buf) {
				sc.p = start
				return "", sc.fail("invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			sc.p = i
			return "", sc.fail("control character in string (escape it)")
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(sc.s) {
			break
		}
		i++
		switch sc.s[i] {
		case '"', '\\', '/':
			buf = append(buf, sc.s[i])
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, n, ok := hex4(sc.s, i+1)
			if !ok {
				sc.p = i
				return "", sc.fail("invalid \\u escape")
			}
			i += n
			if utf16.IsSurrogate(r) {
				r2, n2, ok2 := rune(0), 0, false
				if i+2 < len(sc.s) && sc.s[i+1] == '\\' && sc.s[i+2] == 'u' {
					r2, n2, ok2 = hex4(sc.s, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 2 + n2
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			sc.p = i
			return "", sc.fail("invalid escape '\\" + string(sc.s[i]) + "'")
		}
		i++
	}
	sc.p = len(sc.s)
	return "", sc.fail("unterminated string")
}

func hex4(s string, i int) (rune, int, bool) {
	if i+4 > len(s) {
		return 0, 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, 0, false
		}
	}
	return r, 4, true
}

// number consumes a number per the JSON grammar and returns its text and
// whether it is a plain non-negative integer (digits only).
func (sc *scanner) number() (raw string, plainUint bool, err error) {
	sc.ws()
	start := sc.p
	s := sc.s
	i := sc.p
	plain := true
	if i < len(s) && s[i] == '-' {
		plain = false
		i++
	}
	digits := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == digits || (s[digits] == '0' && i-digits > 1) {
		sc.p = start
		return "", false, sc.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		plain = false
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			sc.p = i
			return "", false, sc.fail("invalid number: digits expected after '.'")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		plain = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			sc.p = i
			return "", false, sc.fail("invalid number: digits expected in exponent")
		}
	}
	sc.p = i
	return s[start:i], plain, nil
}

// skip consumes one value of any type, checking its syntax.
func (sc *scanner) skip(depth int) error {
	if depth > maxDepth {
		return sc.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	switch sc.peek() {
	case '"':
		_, err := sc.str()
		return err
	case '{':
		sc.p++
		first := true
		for {
			_, ok, err := sc.nextKey(&first)
			if err != nil || !ok {
				return err
			}
			if err = sc.skip(depth + 1); err != nil {
				return err
			}
		}
	case '[':
		sc.p++
		first := true
		for {
			ok, err := sc.nextElem(&first)
			if err != nil || !ok {
				return err
			}
			if err = sc.skip(depth + 1); err != nil {
				return err
			}
		}
	case 't':
		return sc.literal("true")
	case 'f':
		return sc.literal("false")
	case 'n':
		return sc.literal("null")
	case 0:
		return sc.fail("unexpected end of input")
	}
	if c := sc.s[sc.p]; c == '-' || (c >= '0' && c <= '9') {
		_, _, err := sc.number()
		return err
	}
	return sc.fail("expected a JSON value, found " + sc.found())
}
