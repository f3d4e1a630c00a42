package templates

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// maxTextBytes caps what one template may write. WhatsApp takes at most
// 4096 characters (8 KiB of Cyrillic in UTF-8); anything past that is a
// runaway override such as {{range 100000000}}, stopped before it eats
// memory.
const maxTextBytes = 16 << 10

// errTooLong is returned once a template writes more than maxTextBytes.
var errTooLong = fmt.Errorf("text exceeds %d bytes", maxTextBytes)

// errEmpty is returned when a template produces only whitespace: sending an
// empty SMS costs money and tells the customer nothing.
var errEmpty = errors.New("renders empty text")

// execute runs t on d, already prepared, and trims the result. Rendering to
// a buffer first means a failure half-way never leaks a partial text.
func execute(t *template.Template, d Data) (string, error) {
	buf := cappedBuffer{max: maxTextBytes}
	if err := t.Execute(&buf, d); err != nil {
		return "", err
	}
	out := strings.TrimSpace(buf.String())
	if out == "" {
		return "", fmt.Errorf("template: %s: %w", t.Name(), errEmpty)
	}
	return out, nil
}

// check proves t works for locale: it renders non-empty text for every
// sample and names no field or method Data could never offer, even in a
// branch the samples do not reach.
func check(t *template.Template, locale string) error {
	for _, d := range samples(locale) {
		if _, err := execute(t, prepare(d)); err != nil {
			return err
		}
	}
	return checkFields(t)
}

// cappedBuffer is a bytes.Buffer that refuses to grow past max, which makes
// text/template abort the execution with errTooLong.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errTooLong
	}
	return b.Buffer.Write(p)
}
