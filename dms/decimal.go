package dms

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// parseDecimal reads a decimal written the way 1C and people write it —
// "1500.5", "1 500,50", "1 500,50" (no-break space), "-3", "+2.000" — and
// returns it scaled to an integer with `scale` decimal places, so money and
// quantities never pass through floating point. Digits beyond the scale are
// allowed only when they are zeros: a price of "10.005" is an error, not a
// silent rounding.
func parseDecimal(raw string, scale int) (int64, error) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1 // thousands separators
		}
		return r
	}, raw)
	if s == "" {
		return 0, fmt.Errorf("not a number: %q", raw)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, fmt.Errorf("not a number: %q", raw)
	}
	intPart, fracPart, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if intPart == "" && fracPart == "" {
		return 0, fmt.Errorf("not a number: %q", raw)
	}
	for _, part := range []string{intPart, fracPart} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("not a number: %q", raw)
			}
		}
	}
	if len(fracPart) > scale {
		if strings.Trim(fracPart[scale:], "0") != "" {
			return 0, fmt.Errorf("more than %d decimal places: %q", scale, raw)
		}
		fracPart = fracPart[:scale]
	}
	fracPart += strings.Repeat("0", scale-len(fracPart))
	var v int64
	for _, r := range intPart + fracPart {
		d := int64(r - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, fmt.Errorf("number too large: %q", raw)
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseWhole reads a whole number such as a mileage or a year.
func parseWhole(raw string) (int64, error) {
	return parseDecimal(raw, 0)
}
