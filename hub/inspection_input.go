package hub

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of what an inspection item holds.
const (
	MaxItemNameRunes = 120
	MaxItemNoteRunes = 2000
	MaxItemUnitRunes = 12
)

// ErrItemInput is wrapped by every refusal of CleanItemText and
// ParseMeasurement: the page shows the message, nothing is stored.
var ErrItemInput = errors.New("inspection item")

// CleanItemText trims s and refuses invalid UTF-8, control characters
// other than line breaks and tabs, and more than max runes.
func CleanItemText(what, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: %s is not valid text", ErrItemInput, what)
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", fmt.Errorf("%w: %s holds a control character", ErrItemInput, what)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", fmt.Errorf("%w: %s is %d characters, at most %d", ErrItemInput, what, n, max)
	}
	return s, nil
}

// ParseMeasurement reads a measurement as a mechanic types it ("4,5",
// "4.5", " 7 ") into its stored form ("4.5"): a number from 0 to 99999
// with at most three decimals. "" stays "" (no measurement).
func ParseMeasurement(s string) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return "", nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(s) > 12 || len(frac) > 3 || whole == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return "", fmt.Errorf("%w: measurement %q is not a number like 4.5", ErrItemInput, s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v > 99999 {
		return "", fmt.Errorf("%w: measurement %q is out of range", ErrItemInput, s)
	}
	// Canonical: no leading zeros, no trailing fractional zeros.
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		return whole + "." + frac, nil
	}
	return whole, nil
}
