package customer

import "strings"

// noOverrides drops the embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069) from a text the DMS or a mechanic wrote:
// in HTML they run past the element that holds them, so a line's name
// with U+202E turns the sum shown after it around ("6 800" read as
// "008 6"). The page's languages need none of them; the words stay.
func noOverrides(s string) string {
	return overrides.Replace(s)
}

var overrides = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "",
)
