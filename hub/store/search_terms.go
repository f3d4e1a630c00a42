package store

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"naryad/hub"
)

// Query lengths the inbox search works with. A query of fewer than
// searchMinSubstring characters is no search at all: it cannot use a
// trigram index, and as a prefix it matched a quarter of 100,000 names
// ("Ив") and took 1.5–2 s to sort; the list stays unfiltered until a third
// character is typed. A phone needs at least searchMinPhoneDigits digits:
// fewer are a part of almost any number.
const (
	searchMinSubstring   = 3
	searchMinPhoneDigits = 4
)

// SearchTooShort tells whether a search text (not blank) is too short to
// search: the list is then shown unfiltered and the page says why.
func SearchTooShort(text string) bool {
	text = strings.Join(strings.Fields(text), " ")
	return text != "" && utf8.RuneCountInString(text) < searchMinSubstring
}

// searchTerms is one query spelled the way each kind of key is indexed
// (migration 00019): the name as typed (the indexes fold case), the key in
// searchKey's spelling, the phone as runs of digits.
type searchTerms struct {
	Name   string
	Key    string
	Phones []string
}

// newSearchTerms spells text (whitespace already collapsed) for each key.
// countries are the branches' countries, for national phone formats.
func newSearchTerms(text string, countries []string) searchTerms {
	return searchTerms{Name: text, Key: searchKey(text), Phones: phoneDigits(text, countries)}
}

// searchKey is the one spelling of plates, VINs and work-order numbers the
// indexes hold: upper case, no spaces or hyphens, Cyrillic letters that look
// Latin written in Latin ("а 123 вс" → "A123BC", "зн-12" → "ЗH12"). It
// matches SQL search_key() (PostgreSQL) and the *_source views (SQLite).
func searchKey(text string) string {
	key := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(text))
	return cyrillicToLatin.Replace(key)
}

var cyrillicToLatin = strings.NewReplacer("А", "A", "В", "B", "Е", "E", "К", "K", "М", "M", "Н", "H", "О", "O", "Р", "P", "С", "C", "Т", "T", "У", "Y", "Х", "X")

// phoneDigits reads text as (part of) a phone number in any format ("+7 916
// 123-45-67", "8 (916) 123 45 67", "1234567") and returns the digit runs a
// stored E.164 number must contain: the digits as typed, and the number
// with a trunk or international prefix resolved (8 916… → 7916…, 0048… →
// 48…). Nil when text is not phone-like (letters in it) or too short.
func phoneDigits(text string, countries []string) []string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+-() .", r):
		default:
			return nil
		}
	}
	d := b.String()
	if len(d) < searchMinPhoneDigits {
		return nil
	}
	out := []string{d}
	if strings.HasPrefix(d, "00") && len(d) >= 10 { // 00 48 601…: a whole international number, not "0001234"
		out = append(out, d[2:])
	}
	for _, country := range countries {
		if full, err := hub.NormalizePhone(text, country); err == nil {
			out = append(out, strings.TrimPrefix(full, "+"))
		}
		if phoneCountryCode(country) == "7" && len(d) == 11 && d[0] == '8' {
			out = append(out, "7"+d[1:]) // the Russian trunk prefix: 8 916… is +7 916…
		}
	}
	return unique(out...)
}

// phoneTail is an FTS5 query for candidates of the phone variants: the
// last digits they all share (they differ in their prefix only: 8 916… and
// 7916…), at most six; the caller checks each candidate for a whole
// variant. Without three shared digits, the variants themselves.
func phoneTail(variants []string) string {
	const most = 6
	tail := variants[0]
	for _, v := range variants[1:] {
		n := 0
		for n < len(tail) && n < len(v) && tail[len(tail)-1-n] == v[len(v)-1-n] {
			n++
		}
		tail = tail[len(tail)-n:]
	}
	if len(tail) < searchMinSubstring {
		return ftsPhrases(variants...)
	}
	return ftsPhrases(tail[max(0, len(tail)-most):])
}

// likeContains is a LIKE pattern matching rows that contain s literally.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
}

// ftsPhrases is an FTS5 query matching rows containing any of values as a
// phrase; with the trigram tokenizer a phrase is an exact substring.
func ftsPhrases(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " OR ")
}

// keyVariants are the spellings of a plate, VIN or work-order number:
// upper case without spaces, as typed, and plates with Cyrillic letters
// swapped for their Latin look-alikes and back ("a123bc" → "А123ВС").
func keyVariants(text string) []string {
	key := strings.ToUpper(strings.Join(strings.Fields(text), ""))
	if len([]rune(key)) < 2 {
		return nil
	}
	toCyr := strings.NewReplacer("A", "А", "B", "В", "E", "Е", "K", "К", "M", "М", "H", "Н", "O", "О", "P", "Р", "C", "С", "T", "Т", "Y", "У", "X", "Х")
	return unique(key, strings.TrimSpace(text), toCyr.Replace(key), cyrillicToLatin.Replace(key))
}

func unique(values ...string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" && !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// phoneCountryCode is the calling code of a region ("RU" → "7").
func phoneCountryCode(region string) string {
	cc := phonenumbers.GetCountryCodeForRegion(strings.ToUpper(region))
	if cc == 0 {
		return ""
	}
	return strconv.Itoa(cc)
}
