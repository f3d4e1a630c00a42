package templates

import (
	"net/url"
	"strings"
)

// segment is a piece of a paragraph: plain text, or a link whose text is
// its address.
type segment struct{ Text, URL string }

// paragraphs splits a message's plain text into paragraphs (at line
// breaks) of text and links, for the "paragraphs" block: html/template
// escapes the text and checks each href, so nothing in the text becomes
// markup. Only http(s) addresses become links.
func paragraphs(text string) [][]segment {
	var out [][]segment
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var segs []segment
		plain := ""
		for i, word := range strings.Split(line, " ") {
			sep := ""
			if i > 0 {
				sep = " "
			}
			if u := linkOf(word); u != "" {
				segs = append(segs, segment{Text: plain + sep})
				segs = append(segs, segment{Text: word, URL: u})
				plain = ""
				continue
			}
			plain += sep + word
		}
		if plain != "" {
			segs = append(segs, segment{Text: plain})
		}
		out = append(out, segs)
	}
	return out
}

// linkOf is word as a link target when it is an absolute http(s) URL.
func linkOf(word string) string {
	if !strings.HasPrefix(word, "https://") && !strings.HasPrefix(word, "http://") {
		return ""
	}
	u, err := url.Parse(word)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.String()
}

// telHref keeps the digits and a leading + of a phone number for a tel:
// link.
func telHref(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
