package whatsapp

import (
	"strings"
	"unicode/utf8"
)

// Words from a customer's phone are whatever their app (or a modified
// one) put in the protobuf: NUL bytes and broken UTF-8 that PostgreSQL
// refuses, and more text than WhatsApp itself allows. A message the
// database refuses is delivered again after every reconnect, forever, so
// such words are cleaned before they are stored, never refused.

const (
	maxWordsRunes    = 65536 // WhatsApp's own limit on a message's text
	maxReactionRunes = 32    // one emoji, however many code points it joins
	maxNameRunes     = 200   // a push name
)

// cleanWords drops NUL bytes, replaces broken UTF-8, trims the spaces
// around and cuts what is longer than limit runes.
func cleanWords(s string, limit int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD"))
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:limit])) + "…"
}
