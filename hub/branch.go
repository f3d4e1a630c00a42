package hub

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"naryad/templates"
)

// ValidateBranch checks and tidies a branch before it is stored, naming
// every problem at once. `naryad branch add` and the admin page's form share
// it, so the problems name the command's flags.
func ValidateBranch(b *Branch) error {
	var problems []string
	b.Code = strings.TrimSpace(b.Code)
	b.Name = strings.TrimSpace(b.Name)
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	b.Locale = strings.ToLower(strings.TrimSpace(b.Locale))
	if b.Code == "" || strings.ContainsAny(b.Code, " \t/") {
		problems = append(problems, "--code: required, without spaces or slashes")
	}
	if b.Name == "" {
		problems = append(problems, "--name: required")
	}
	if phonenumbers.GetCountryCodeForRegion(b.Country) == 0 {
		problems = append(problems, fmt.Sprintf("--country: %q is not an ISO 3166 country code such as RU or PL", b.Country))
	}
	if b.TimeZone == "" {
		problems = append(problems, "--time-zone: required, e.g. Europe/Moscow")
	} else if _, err := time.LoadLocation(b.TimeZone); err != nil {
		problems = append(problems, fmt.Sprintf("--time-zone: %q is not an IANA time zone", b.TimeZone))
	}
	if !slices.Contains(templates.Locales(), b.Locale) {
		problems = append(problems, fmt.Sprintf("--locale: %q is not one of %s", b.Locale, strings.Join(templates.Locales(), ", ")))
	}
	if b.Phone != "" {
		p, err := NormalizePhone(b.Phone, b.Country)
		if err != nil {
			problems = append(problems, "--phone: "+err.Error())
		}
		b.Phone = p
	}
	if len(problems) > 0 {
		return errors.New("invalid branch:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}
