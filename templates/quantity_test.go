package templates

import (
	"math"
	"testing"
)

func TestQuantityIsWrittenInTheReadersLocale(t *testing.T) {
	for _, c := range []struct {
		locale string
		milli  int64
		want   string
	}{
		{"ru", 1500, "1,5"}, {"pl", 1500, "1,5"}, {"en", 1500, "1.5"}, {"ru-RU", 1250, "1,25"},
		{"ru", 2000, "2"}, {"en", 1, "0.001"}, {"pl", 10050, "10,05"}, {"ru", -1500, "-1,5"},
		{"en", 0, "0"}, {"xx", 1500, "1.5"}, // unknown: the fallback locale's way (en)
		{"ru", math.MinInt64, "-9223372036854775,808"},
	} {
		if got := Quantity(c.locale, c.milli); got != c.want {
			t.Errorf("Quantity(%q, %d) = %q, want %q", c.locale, c.milli, got, c.want)
		}
	}
}
