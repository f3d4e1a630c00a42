package templates

import (
	"errors"
	"testing"
)

func TestParseAmountReadsWhatPeopleType(t *testing.T) {
	for text, want := range map[string]int64{
		"1 250,50": 125050, "1250.5": 125050, "1 250": 125000, "1'250": 125000, "0": 0,
		"1\u00a0250,5": 125050, "1\u202f250": 125000, " 7 ": 700,
	} {
		if got, err := ParseAmount(text, "RUB"); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
	for _, text := range []string{"", "abc", "1,2,3", "1.2.3", "1,234.5", "12,345", "-5", "1e3", "１２", "9999999999999", "0,001"} {
		if got, err := ParseAmount(text, "RUB"); !errors.Is(err, ErrNotAnAmount) {
			t.Errorf("ParseAmount(%q) = %d, %v; want ErrNotAnAmount", text, got, err)
		}
	}
	if got, err := ParseAmount("1500", "JPY"); err != nil || got != 1500 {
		t.Fatalf("yen: %d %v", got, err)
	}
	if _, err := ParseAmount("15,5", "JPY"); err == nil {
		t.Fatal("yen has no decimals")
	}
	if _, err := ParseAmount("1", "QQQ"); err == nil || errors.Is(err, ErrNotAnAmount) {
		t.Fatalf("an unknown currency: %v", err)
	}
}

func TestAmountInputIsReadBack(t *testing.T) {
	for _, c := range []struct {
		locale string
		minor  int64
		cur    string
		want   string
	}{{"ru", 125050, "RUB", "1250,50"}, {"en", 125050, "PLN", "1250.50"}, {"pl", 5, "PLN", "0,05"}, {"ru", 1500, "JPY", "1500"}, {"ru", 0, "RUB", ""}} {
		got := AmountInput(c.locale, c.minor, c.cur)
		if got != c.want {
			t.Errorf("AmountInput(%s, %d, %s) = %q, want %q", c.locale, c.minor, c.cur, got, c.want)
		}
		if back, err := ParseAmount(got, c.cur); got != "" && (err != nil || back != c.minor) {
			t.Errorf("%q reads back as %d, %v", got, back, err)
		}
	}
}
