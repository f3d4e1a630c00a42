package templates

import (
	"math"
	"testing"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		name, locale string
		minor        int64
		code         string
		want         string
	}{
		{"ru zero", "ru", 0, "RUB", "0,00 ₽"},
		{"ru five kopecks", "ru", 5, "RUB", "0,05 ₽"},
		{"ru thousands", "ru", 150050, "RUB", "1 500,50 ₽"},
		{"ru negative", "ru", -150050, "RUB", "-1 500,50 ₽"},
		{"ru euro", "ru", 999, "EUR", "9,99 €"},
		{"ru large", "ru", 123456789012345, "RUB", "1 234 567 890 123,45 ₽"},
		{"pl thousands", "pl", 150050, "PLN", "1 500,50 zł"},
		{"pl rubles use code", "pl", 150050, "RUB", "1 500,50 RUB"},
		{"pl under ten", "pl", 5, "PLN", "0,05 zł"},
		{"pl million", "pl", 100000000, "PLN", "1 000 000,00 zł"},
		{"en code symbol", "en", 150050, "RUB", "RUB 1,500.50"},
		{"en sign symbol", "en", 150050, "EUR", "€1,500.50"},
		{"en negative", "en", -150050, "EUR", "-€1,500.50"},
		{"en zero", "en", 0, "PLN", "PLN 0.00"},
		{"en yen no minor unit", "en", 1500, "JPY", "¥1,500"},
		{"ru yen no minor unit", "ru", 1500, "JPY", "1 500 ¥"},
		{"en dinar three digits", "en", 1500500, "KWD", "KWD 1,500.500"},
		{"en lowercase code", "en", 100, "usd", "$1.00"},
		{"en max int64", "en", math.MaxInt64, "EUR", "€92,233,720,368,547,758.07"},
		{"en min int64", "en", math.MinInt64, "EUR", "-€92,233,720,368,547,758.08"},
		{"en exact beyond float64", "en", 9007199254740993, "EUR", "€90,071,992,547,409.93"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := formatMoney(tt.locale, tt.minor, tt.code)
			if err != nil {
				t.Fatalf("formatMoney: %v", err)
			}
			if got != tt.want {
				t.Errorf("formatMoney(%s, %d, %s) = %q, want %q", tt.locale, tt.minor, tt.code, got, tt.want)
			}
		})
	}
}

func TestFormatMoneyRejectsUnknownCurrency(t *testing.T) {
	for _, code := range []string{"", "ABC", "RUBL"} {
		t.Run(code, func(t *testing.T) {
			if got, err := formatMoney("ru", 100, code); err == nil {
				t.Errorf("formatMoney(%q) = %q, want an error", code, got)
			}
		})
	}
}

func TestMinorDigits(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{"RUB", 2}, {"PLN", 2}, {"EUR", 2}, {"JPY", 0}, {"KWD", 3},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := MinorDigits(tt.code)
			if err != nil || got != tt.want {
				t.Errorf("MinorDigits(%s) = %d, %v; want %d", tt.code, got, err, tt.want)
			}
		})
	}
	if _, err := MinorDigits("ZZZ"); err == nil {
		t.Error("MinorDigits(ZZZ) accepted an unknown currency")
	}
}

func TestSumLines(t *testing.T) {
	tests := []struct {
		name    string
		lines   []Line
		want    int64
		wantErr bool
	}{
		{"none", nil, 0, false},
		{"two", []Line{{"a", 450000}, {"b", 1100050}}, 1550050, false},
		{"with refund", []Line{{"a", 1000}, {"b", -250}}, 750, false},
		{"overflow", []Line{{"a", math.MaxInt64}, {"b", 1}}, 0, true},
		{"underflow", []Line{{"a", math.MinInt64}, {"b", -1}}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sumLines(tt.lines)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("sumLines = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMoneyTextFallsBackToMinorUnits(t *testing.T) {
	if got := MoneyText(LocaleEN, 150050, "RUB"); got != "RUB 1,500.50" {
		t.Errorf("a known currency: %q", got)
	}
	if got := MoneyText(LocaleEN, 150050, "XYZ1"); got != "150050 XYZ1 (minor units)" {
		t.Errorf("an unknown currency: %q", got)
	}
}
