package hub

import "strings"

// WithoutDirectionOverrides drops the embedding, override and isolate
// controls (U+202A–U+202E, U+2066–U+2069) from a text the DMS or a
// mechanic wrote, before a customer reads it: in HTML and in an SMS they
// run past the name that holds them, so U+202E turns the sum or the link
// shown after it around ("6 800" read as "008 6"). The hub's languages
// need none of them; the words stay.
func WithoutDirectionOverrides(s string) string {
	if !strings.ContainsAny(s, directionOverrides) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(directionOverrides, r) {
			return -1
		}
		return r
	}, s)
}

const directionOverrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
