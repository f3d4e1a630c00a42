package hub

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone turns a number as people type it ("8 (916) 123-45-67",
// "+48 601 234 567") into E.164, reading numbers without a country code in
// the branch's country (region, ISO 3166 alpha-2).
func NormalizePhone(raw, region string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("empty phone number")
	}
	n, err := phonenumbers.Parse(s, strings.ToUpper(region))
	if err != nil {
		return "", fmt.Errorf("not a phone number: %q", raw)
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", fmt.Errorf("not a valid phone number: %q", raw)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// DisplayPhone is a stored E.164 number as people read it, in the
// international format ("+7 916 123-45-67", "+48 601 234 567"); anything
// that does not parse is shown as it is.
func DisplayPhone(e164 string) string {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// PhoneRegion is the ISO 3166 alpha-2 country of an E.164 number ("RU",
// "PL"), or "" when the number belongs to no country.
func PhoneRegion(e164 string) string {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(n)
}
