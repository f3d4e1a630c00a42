package dms

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// One input rule for every text the DMS sends, on SQLite and PostgreSQL
// alike: valid UTF-8, no control characters (PostgreSQL refuses NUL with
// SQLSTATE 22021, which would fail the whole batch), and a size cap per
// field, so one oversized value rejects its own event instead of failing
// the batch on a rendered message over the template limit or an index row
// over PostgreSQL's. The caps, in bytes of UTF-8 (a Cyrillic letter takes
// 2), are listed in docs/exchange.md; keep the two in step.

// textRule is what one text field may hold.
type textRule struct {
	max       int  // bytes of UTF-8, after trimming
	multiLine bool // \t, \n and \r allowed
}

var (
	idRule       = textRule{max: maxEventIDLen} // ids, numbers, codes
	nameRule     = textRule{max: 500}           // people, companies, titles, authors
	labelRule    = textRule{max: 200}           // statuses, makes, models, kinds
	lineRule     = textRule{max: 1000, multiLine: true}
	messageRule  = textRule{max: 8192, multiLine: true} // 4096 Cyrillic letters, WhatsApp's limit
	fileNameRule = textRule{max: 255}
	emailRule    = textRule{max: 254}
	shortRule    = textRule{max: 64} // phones, VINs, plates, locales, numbers, dates
)

// maxEventIDLen bounds ids so a broken client cannot bloat the ledger.
const maxEventIDLen = 200

// text trims v and checks it against rule, reporting what is wrong at
// path. The trimmed value comes back either way.
func text(v, path string, rule textRule, p *problems) string {
	v, _ = checkText(v, path, rule, p)
	return v
}

// checkText is text that also tells whether the value passed.
func checkText(v, path string, rule textRule, p *problems) (string, bool) {
	v = strings.TrimSpace(v)
	if msg := badText(v, rule); msg != "" {
		p.addf(path, "%s", msg)
		return v, false
	}
	return v, true
}

// badText says what breaks rule in v, or "".
func badText(v string, rule textRule) string {
	if len(v) > rule.max {
		return fmt.Sprintf("longer than %d bytes (%d)", rule.max, len(v))
	}
	if !utf8.ValidString(v) {
		return "not valid UTF-8"
	}
	for i, r := range v {
		if unicode.IsControl(r) && !(rule.multiLine && (r == '\t' || r == '\n' || r == '\r')) {
			return fmt.Sprintf("contains the control character U+%04X at byte %d", r, i)
		}
	}
	return ""
}

// requiredText is text that must not be empty.
func requiredText(v, path string, rule textRule, p *problems) string {
	v = text(v, path, rule, p)
	if v == "" {
		p.addf(path, "required")
	}
	return v
}

// code reads an id or code: a JSON string or number (an object or a
// boolean is refused), checked as text.
func code(f flexText, path string, p *problems) string {
	if !f.isCode() {
		p.addf(path, "expected a string or a number, got %s", f.Kind)
		return ""
	}
	return text(f.Raw, path, idRule, p)
}

// requiredCode is a code that must be there.
func requiredCode(f flexText, path string, p *problems) string {
	if !f.isCode() {
		return code(f, path, p)
	}
	v := code(f, path, p)
	if v == "" {
		p.addf(path, "required")
	}
	return v
}

// short caps a raw value before it is parsed (a number, a date, a phone):
// a megabyte where a number belongs is refused without parsing it or
// quoting it back.
func short(v, path string, p *problems) bool {
	_, ok := checkText(v, path, shortRule, p)
	return ok
}
