package templates_test

import (
	"testing"

	"naryad/templates"
)

func TestInspectionWordsInEveryLanguage(t *testing.T) {
	for _, l := range templates.Locales() {
		for _, s := range []string{"red", "yellow", "green", ""} {
			if templates.StateWord(l, s) == "" || templates.StateHeading(l, s) == "" {
				t.Errorf("%s: state %q has no word or heading", l, s)
			}
		}
	}
	if got := templates.StateWord("ru-RU", "red"); got != "Срочно" {
		t.Errorf("ru-RU red: %q", got)
	}
}

func TestMeasurementTheLocalesWay(t *testing.T) {
	cases := []struct{ locale, value, unit, want string }{
		{"ru", "4.5", "mm", "4,5\u00a0мм"},
		{"pl", "4.5", "mm", "4,5\u00a0mm"},
		{"en", "4.5", "mm", "4.5\u00a0mm"},
		{"ru", "12.6", "V", "12,6\u00a0В"},
		{"ru", "3", "", "3"},
		{"ru", "", "mm", ""},
		{"ru", "2", "Nm", "2\u00a0Nm"},
	}
	for _, c := range cases {
		if got := templates.Measurement(c.locale, c.value, c.unit); got != c.want {
			t.Errorf("%s %s %s: %q, want %q", c.locale, c.value, c.unit, got, c.want)
		}
	}
}
