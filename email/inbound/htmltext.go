package inbound

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText turns an HTML-only e-mail into plain text: the words, with
// line breaks where blocks and <br> were; scripts, styles and the head are
// dropped, and a <blockquote> (how HTML clients quote the history) is
// written as '>' lines, which cutQuoted then removes.
func htmlText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip, quote := 0, 0
	newline := func() {
		b.WriteString("\n")
		if quote > 0 {
			b.WriteString(strings.Repeat(">", quote) + " ")
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				t := strings.Join(strings.Fields(string(z.Text())), " ")
				if t != "" {
					if quote > 0 && (b.Len() == 0 || strings.HasSuffix(b.String(), "\n")) {
						b.WriteString(strings.Repeat(">", quote) + " ")
					}
					b.WriteString(t + " ")
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				skip++
			case atom.Blockquote:
				quote++
				newline()
			case atom.Br, atom.P, atom.Div, atom.Tr, atom.Li, atom.H1, atom.H2, atom.H3, atom.Table:
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				if skip > 0 {
					skip--
				}
			case atom.Blockquote:
				if quote > 0 {
					quote--
				}
				newline()
			case atom.P, atom.Div:
				newline()
			}
		}
	}
}
