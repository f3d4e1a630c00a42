package hub_test

import (
	"testing"

	"naryad/hub"
)

func TestUnitText(t *testing.T) {
	for _, c := range []struct{ locale, unit, want string }{
		{"ru", "mm", "мм"}, {"ru", "bar", "бар"}, {"ru", "V", "В"}, {"ru", "%", "%"}, {"ru", "°C", "°C"},
		{"pl", "mm", "mm"}, {"en", "V", "V"}, {"ru", "Нм", "Нм"}, {"ru", "", ""},
	} {
		if got := hub.UnitText(c.locale, c.unit); got != c.want {
			t.Errorf("UnitText(%q, %q) = %q, want %q", c.locale, c.unit, got, c.want)
		}
	}
}
