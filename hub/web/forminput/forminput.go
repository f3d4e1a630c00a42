// Package forminput is the one rule for text that comes into the web pages
// (staff sign-in, inbox, admin, reports, lockers, customer page) through
// query strings and forms: a NUL or bytes that are not UTF-8 get a 400
// naming the field, and other control characters are dropped.
//
// Browsers never send a NUL or broken UTF-8 from a form, so such input is
// a client's bug or a probe; PostgreSQL refuses to store or even compare
// it, which used to end in a 500. Other control characters (an escape, a
// vertical tab) do arrive in pasted text and mean nothing to a reader, so
// they are dropped rather than refused. Tab, line feed and carriage
// return are text and stay.
package forminput

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// New is the middleware; requests whose path starts with one of except
// (machine interfaces with their own input rules) pass unchecked.
func New(except ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		for _, prefix := range except {
			if strings.HasPrefix(c.Path(), prefix) {
				return c.Next()
			}
		}
		if field, ok := cleanArgs(c.Request().URI().QueryArgs()); !ok {
			return refuse(c, field)
		}
		switch ct := string(c.Request().Header.ContentType()); {
		case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
			if field, ok := cleanArgs(c.Request().PostArgs()); !ok {
				return refuse(c, field)
			}
		case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
			// A form that does not parse is the handler's to answer, as
			// before; a parsed one is kept by the request, so the handler
			// reads these cleaned values without parsing again.
			if form, err := c.MultipartForm(); err == nil {
				if field, ok := cleanValues(form.Value); !ok {
					return refuse(c, field)
				}
				for field, files := range form.File {
					for _, f := range files {
						var ok bool
						if f.Filename, ok = clean(f.Filename); !ok {
							return refuse(c, field)
						}
					}
				}
			}
		}
		return c.Next()
	}
}

// argsList is what cleanArgs needs of fasthttp's query and form arguments.
type argsList interface {
	VisitAll(func(key, value []byte))
	Reset()
	AddBytesKV(key, value []byte)
}

// cleanArgs cleans every key and value in place, keeping their order and
// repeated keys; ok is false, with the field, at the first refused one.
func cleanArgs(args argsList) (field string, ok bool) {
	type pair struct{ key, value []byte }
	var pairs []pair
	changed, ok := false, true
	args.VisitAll(func(k, v []byte) {
		if !ok {
			return
		}
		key, kOK := clean(string(k))
		value, vOK := clean(string(v))
		if !kOK || !vOK {
			field, ok = key, false
			return
		}
		changed = changed || key != string(k) || value != string(v)
		pairs = append(pairs, pair{[]byte(key), []byte(value)})
	})
	if !ok || !changed {
		return field, ok
	}
	args.Reset()
	for _, p := range pairs {
		args.AddBytesKV(p.key, p.value)
	}
	return "", true
}

// cleanValues cleans a multipart form's fields in place.
func cleanValues(values map[string][]string) (field string, ok bool) {
	for key, vs := range values {
		if _, ok := clean(key); !ok {
			return key, false
		}
		for i, v := range vs {
			if vs[i], ok = clean(v); !ok {
				return key, false
			}
		}
	}
	return "", true
}

// clean drops control characters other than tab, line feed and carriage
// return; ok is false when s has a NUL or is not UTF-8.
func clean(s string) (string, bool) {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return s, false
	}
	if strings.IndexFunc(s, dropped) < 0 {
		return s, true
	}
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s), true
}

func dropped(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }

// refuse answers 400 naming the field, in the browser's language.
func refuse(c *fiber.Ctx, field string) error {
	name := strings.ToValidUTF8(strings.ReplaceAll(field, "\x00", ""), "?")
	text := strings.ReplaceAll(texts[pickLocale(c.Get(fiber.HeaderAcceptLanguage))], "{field}", name)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusBadRequest).SendString(text)
}
