package hub

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"naryad/templates"
)

// BranchProblem is one thing wrong with a branch: Field names it (code,
// name, country, time_zone, locale, phone), Value is what was typed, and
// Text says it for the command line, in the words of its flag.
type BranchProblem struct {
	Field, Value, Text string
}

// BranchError lists everything wrong with a branch. Its text is for the
// command line and the log; a page says each problem in its user's
// language from Field and Value.
type BranchError struct {
	Problems []BranchProblem
}

func (e *BranchError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Text
	}
	return "invalid branch:\n  " + strings.Join(lines, "\n  ")
}

// ValidateBranch checks and tidies a branch before it is stored, naming
// every problem at once (a *BranchError). `naryad branch add` and the
// admin page's form share it: the error's text names the command's flags,
// its problems name the fields for the page.
func ValidateBranch(b *Branch) error {
	var problems []BranchProblem
	add := func(field, value, text string) {
		problems = append(problems, BranchProblem{Field: field, Value: value, Text: text})
	}
	b.Code = strings.TrimSpace(b.Code)
	b.Name = strings.TrimSpace(b.Name)
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	b.Locale = strings.ToLower(strings.TrimSpace(b.Locale))
	if b.Code == "" || strings.ContainsAny(b.Code, " \t/") {
		add("code", b.Code, "--code: required, without spaces or slashes")
	}
	if b.Name == "" {
		add("name", b.Name, "--name: required")
	}
	if phonenumbers.GetCountryCodeForRegion(b.Country) == 0 {
		add("country", b.Country, fmt.Sprintf("--country: %q is not an ISO 3166 country code such as RU or PL", b.Country))
	}
	if b.TimeZone == "" {
		add("time_zone", b.TimeZone, "--time-zone: required, e.g. Europe/Moscow")
	} else if _, err := time.LoadLocation(b.TimeZone); err != nil {
		add("time_zone", b.TimeZone, fmt.Sprintf("--time-zone: %q is not an IANA time zone", b.TimeZone))
	}
	if !slices.Contains(templates.Locales(), b.Locale) {
		add("locale", b.Locale, fmt.Sprintf("--locale: %q is not one of %s", b.Locale, strings.Join(templates.Locales(), ", ")))
	}
	if b.Phone != "" {
		p, err := NormalizePhone(b.Phone, b.Country)
		if err != nil {
			add("phone", b.Phone, "--phone: "+err.Error())
		}
		b.Phone = p
	}
	if len(problems) > 0 {
		return &BranchError{Problems: problems}
	}
	return nil
}
