package chaostoolkit

import "bytes"

// Python's json module, which writes the journal, writes a float that is
// not finite as the bare tokens NaN, Infinity and -Infinity — not JSON. A
// provider's output (a Prometheus probe returning NaN) is enough to put one
// in a journal, and the journal must be accepted as `chaos run` wrote it,
// so these tokens are read as null: the value was not a number anyway.

var nonFiniteTokens = [...][]byte{[]byte("-Infinity"), []byte("Infinity"), []byte("NaN")}

// nullNonFinite returns body with every NaN, Infinity and -Infinity outside
// a string replaced by null, and the offsets (in the result) where a
// replacement made the body longer, to map syntax-error offsets back.
// Without such a token body is returned as is, with no copy.
func nullNonFinite(body []byte) (out []byte, grew []int64) {
	if !bytes.Contains(body, []byte("NaN")) && !bytes.Contains(body, []byte("Infinity")) {
		return body, nil
	}
	inString, escaped := false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			if out != nil {
				out = append(out, c)
			}
			continue
		}
		if c == '"' {
			inString = true
		} else if tok := nonFiniteAt(body, i); tok > 0 {
			if out == nil {
				out = append(make([]byte, 0, len(body)+8), body[:i]...)
			}
			// null is 4 bytes: NaN grows the body by one.
			if tok < 4 {
				grew = append(grew, int64(len(out)+tok))
			}
			out = append(out, "null"...)
			if tok > 4 {
				out = append(out, bytes.Repeat([]byte(" "), tok-4)...)
			}
			i += tok - 1
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return body, nil
	}
	return out, grew
}

// nonFiniteAt returns the length of the non-finite token that is a whole
// JSON value at body[i] (after a value separator, before a delimiter), or 0.
func nonFiniteAt(body []byte, i int) int {
	for _, tok := range nonFiniteTokens {
		if !bytes.HasPrefix(body[i:], tok) {
			continue
		}
		if end := i + len(tok); end < len(body) && !delimiter(body[end]) {
			return 0
		}
		j := i - 1
		for j >= 0 && space(body[j]) {
			j--
		}
		if j < 0 || body[j] == ':' || body[j] == ',' || body[j] == '[' {
			return len(tok)
		}
		return 0
	}
	return 0
}

func space(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func delimiter(c byte) bool { return space(c) || c == ',' || c == ']' || c == '}' }

// originalOffset maps an offset in the rewritten body back to the body as
// sent.
func originalOffset(off int64, grew []int64) int64 {
	n := off
	for _, g := range grew {
		if g <= off {
			n--
		}
	}
	return n
}
