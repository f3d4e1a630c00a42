// Package pdftext makes texts drawable in the PDFs naryad writes with fpdf
// and the embedded Go fonts (hub/inspectionpdf, hub/loanpdf): one place
// decides which letters print and which are replaced.
package pdftext

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Cleaner makes a text drawable with the Go fonts: a letter they lack
// would print as an empty box, and a control character could upset the
// layout. Texts come from mechanics, the DMS and customers.
type Cleaner struct {
	regular, bold *sfnt.Font
	buf           sfnt.Buffer
}

// NewCleaner parses the Go fonts once; a Cleaner is not safe for
// concurrent use (its glyph buffer is reused), so make one per document.
func NewCleaner() (*Cleaner, error) {
	r, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("pdf text: regular font: %w", err)
	}
	b, err := sfnt.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("pdf text: bold font: %w", err)
	}
	return &Cleaner{regular: r, bold: b}, nil
}

// substitutes stand in for signs the fonts lack but money texts use (the
// rouble sign, a narrow no-break space) and turn a tab into a space.
var substitutes = strings.NewReplacer(
	"₽", "руб.",
	"\u202f", "\u00a0", // narrow no-break space, as some locales group digits
	"\t", " ",
)

// Text returns s with invalid UTF-8 dropped, the known substitutes made,
// line breaks kept, other control characters removed, and any letter
// missing from either font shown as "?".
func (c *Cleaner) Text(s string) string {
	s = substitutes.Replace(strings.ToValidUTF8(s, ""))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff':
			continue
		case !c.has(r):
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *Cleaner) has(r rune) bool {
	if r < 0x80 {
		return true
	}
	for _, f := range []*sfnt.Font{c.regular, c.bold} {
		if g, err := f.GlyphIndex(&c.buf, r); err != nil || g == 0 {
			return false
		}
	}
	return true
}
