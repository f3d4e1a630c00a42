package inbound

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// decodeCharset turns text in the named charset (koi8-r, windows-1251,
// iso-8859-2 … by their IANA and WHATWG names) into clean UTF-8. An
// unknown or missing charset is read as UTF-8; whatever is still not
// valid UTF-8, NUL and other control characters (but tab and newline) are
// dropped, so nothing a mail client sent can break a page or a query.
func decodeCharset(charset string, b []byte) string {
	charset = strings.ToLower(strings.TrimSpace(charset))
	if charset != "" && charset != "utf-8" && charset != "us-ascii" {
		if enc, err := htmlindex.Get(charset); err == nil {
			if out, _, err := transform.Bytes(enc.NewDecoder(), b); err == nil {
				b = out
			}
		}
	}
	return cleanText(string(b))
}

// cleanText keeps valid UTF-8 without control characters; CRLF becomes LF.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 32 || r == 127 || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

// wordDecoder decodes RFC 2047 encoded words (a subject, a file name) in
// any charset decodeCharset knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.ToLower(charset))
	if err != nil {
		return nil, fmt.Errorf("charset %q: %w", charset, err)
	}
	return transform.NewReader(r, enc.NewDecoder()), nil
}}

// decodeHeader is a header's text: encoded words decoded (left as they are
// when they cannot be), cleaned to one line of UTF-8.
func decodeHeader(v string) string {
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	v = cleanText(v)
	return strings.Join(strings.Fields(v), " ")
}

// readAllLimited reads at most limit bytes; more is an error.
func readAllLimited(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooBig
	}
	return buf.Bytes(), nil
}
