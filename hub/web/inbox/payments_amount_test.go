package inbox

import "testing"

func TestParseAmount(t *testing.T) {
	for text, want := range map[string]int64{
		"1 250,50": 125050, "1\u00a0250,5": 125050, "1250.50": 125050, "1250": 125000, "0,01": 1, " 7 ": 700,
		"1'000": 100000, "999999999999,99": 99999999999999,
	} {
		if got, err := parseAmount(text, "RUB"); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", text, got, err, want)
		}
	}
	for _, text := range []string{"", "0", "0,00", "-5", "+5", "1,2,3", "1.250,50", "12,505", "abc", "1e3", ",50",
		"1000000000000", "5 ₽", "١٢٣"} {
		if got, err := parseAmount(text, "RUB"); err == nil {
			t.Errorf("%q: %d, want an error", text, got)
		}
	}
	if got, err := parseAmount("1500", "JPY"); err != nil || got != 1500 {
		t.Errorf("JPY: %d %v", got, err)
	}
	if _, err := parseAmount("15,5", "JPY"); err == nil {
		t.Error("JPY has no decimals")
	}
	if _, err := parseAmount("15", "XYZ1"); err == nil {
		t.Error("an unknown currency")
	}
}

func TestAmountInputReadsBack(t *testing.T) {
	for _, c := range []struct {
		locale string
		minor  int64
		cur    string
		want   string
	}{
		{"ru", 125050, "RUB", "1250,50"}, {"en", 125050, "EUR", "1250.50"}, {"pl", 5, "PLN", "0,05"}, {"ru", 1500, "JPY", "1500"},
		{"ru", 0, "RUB", ""},
	} {
		got := amountInput(c.locale, c.minor, c.cur)
		if got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
		if back, err := parseAmount(got, c.cur); c.minor > 0 && (err != nil || back != c.minor) {
			t.Errorf("%q reads back as %d %v", got, back, err)
		}
	}
}
