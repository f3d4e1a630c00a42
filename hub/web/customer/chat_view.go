package customer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"naryad/hub"
)

// pageLink is a link to a customer page, as the SMS and WhatsApp texts
// carry it, or masked as the message is stored (hub.MaskLinks): shown on
// that very page it is noise.
var pageLink = regexp.MustCompile(`https?://[^\s/]+(?:/[^\s]*)?/c/(?:[A-Za-z0-9_-]{32,128}|` + hub.LinkMask + `)/?`)

// withoutPageLinks drops links to customer pages from a message as shown
// on the page, with what led up to them on the line ("Details: ").
func withoutPageLinks(body string) string {
	if !strings.Contains(body, "/c/") {
		return body
	}
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, line := range lines {
		stripped := pageLink.ReplaceAllString(line, "")
		if stripped != line {
			stripped = strings.TrimRight(strings.TrimSpace(stripped), ":—-– ")
			if stripped == "" {
				continue
			}
		}
		out = append(out, stripped)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// withoutSender drops the "<branch>: " an SMS opens with to say who writes:
// on the page the bubble already names the branch, and the same name twice
// in a row made every message read as a copy of the SMS.
func withoutSender(body, branch string) string {
	if branch == "" {
		return body
	}
	rest, ok := strings.CutPrefix(body, branch+":")
	if rest = strings.TrimSpace(rest); !ok || rest == "" {
		return body
	}
	// The sentence went on after the name; it now starts the message.
	first, size := utf8.DecodeRuneInString(rest)
	return string(unicode.ToUpper(first)) + rest[size:]
}
