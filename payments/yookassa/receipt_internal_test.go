package yookassa

import (
	"math/rand/v2"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/payments"
)

func TestFitLinesKeepsLinesThatAddUp(t *testing.T) {
	lines := []payments.ReceiptLine{{AmountMinor: 300, Kind: hub.LineLabor}, {AmountMinor: 200, Kind: hub.LinePart}}
	got, err := fitLines(lines, 500)
	if err != nil || len(got) != 2 || got[0].AmountMinor != 300 || got[1].AmountMinor != 200 {
		t.Errorf("fitLines = %+v, %v", got, err)
	}
	if lines[0].AmountMinor != 300 {
		t.Error("fitLines changed the caller's lines")
	}
}

func TestFitLinesScalesAndFoldsTheRoundingIntoTheLargest(t *testing.T) {
	lines := []payments.ReceiptLine{{AmountMinor: 100}, {AmountMinor: 100}, {AmountMinor: 101}}
	got, err := fitLines(lines, 200)
	if err != nil {
		t.Fatal(err)
	}
	// 100·200/301 = 66.4 → 66, 66, and 101·200/301 = 67.1 → 67 + the 1 left.
	if got[0].AmountMinor != 66 || got[1].AmountMinor != 66 || got[2].AmountMinor != 68 {
		t.Errorf("fitLines = %+v", got)
	}
}

func TestFitLinesAlwaysAddsUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var lines []payments.ReceiptLine
		for range 1 + rng.IntN(120) {
			lines = append(lines, payments.ReceiptLine{AmountMinor: rng.Int64N(2_000_000) - 100_000, Kind: hub.LinePart})
		}
		lines = append(lines, payments.ReceiptLine{AmountMinor: 1 + rng.Int64N(1_000_000)})
		amount := 1 + rng.Int64N(50_000_000)
		got, err := fitLines(lines, amount)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, l := range got {
			if l.AmountMinor <= 0 {
				t.Fatalf("a line of %d in %+v", l.AmountMinor, got)
			}
			sum += l.AmountMinor
		}
		if sum != amount || len(got) > maxItems {
			t.Fatalf("%d lines add up to %d, want %d (at most %d lines)", len(got), sum, amount, maxItems)
		}
	}
}

func TestFitLinesMergesBeyondTheLimit(t *testing.T) {
	var lines []payments.ReceiptLine
	for range 100 {
		lines = append(lines, payments.ReceiptLine{Description: "p", AmountMinor: 10, Kind: hub.LinePart})
	}
	got, err := fitLines(lines, 1000)
	if err != nil {
		t.Fatal(err)
	}
	last := got[len(got)-1]
	if len(got) != maxItems || last.AmountMinor != 210 || last.Kind != hub.LinePart {
		t.Errorf("%d lines, last %+v; want %d, the last 21 merged into a part line", len(got), last, maxItems)
	}
}

func TestFitLinesRefuses(t *testing.T) {
	if _, err := fitLines(nil, 100); err == nil {
		t.Error("no lines: accepted")
	}
	if _, err := fitLines([]payments.ReceiptLine{{AmountMinor: -5}, {AmountMinor: 0}}, 100); err == nil {
		t.Error("no positive line: accepted")
	}
	if _, err := fitLines([]payments.ReceiptLine{{AmountMinor: 5}}, 0); err == nil {
		t.Error("zero amount: accepted")
	}
}

func TestBuildReceipt(t *testing.T) {
	long := strings.Repeat("ж", 200)
	r, err := buildReceipt(payments.ReceiptCustomer{Phone: "+7 (900) 123-45-67", Email: " a@b.ru "},
		[]payments.ReceiptLine{{Description: long, AmountMinor: 100, Kind: hub.LinePart}, {Description: "  ", AmountMinor: 50, Kind: hub.LineRecommendation}},
		150, "RUB", 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Customer.Phone != "79001234567" || r.Customer.Email != "a@b.ru" {
		t.Errorf("customer %+v", r.Customer)
	}
	if d := r.Items[0].Description; d != strings.Repeat("ж", 128) {
		t.Errorf("description of %d characters", len([]rune(d)))
	}
	if it := r.Items[1]; it.Description != "Услуга" || it.PaymentSubject != "service" || it.VATCode != 2 {
		t.Errorf("second item %+v", it)
	}
	if r.Items[0].PaymentSubject != "commodity" || r.TaxSystemCode != 0 {
		t.Errorf("receipt %+v", r)
	}
}

func TestAmounts(t *testing.T) {
	for minor, s := range map[int64]string{0: "0.00", 5: "0.05", 1_250_000: "12500.00", 123_456_789: "1234567.89"} {
		if got := formatAmount(minor); got != s {
			t.Errorf("formatAmount(%d) = %q", minor, got)
		}
		if got, err := parseAmount(s); err != nil || got != minor {
			t.Errorf("parseAmount(%q) = %d, %v", s, got, err)
		}
	}
	for s, want := range map[string]int64{"10": 1000, "0.5": 50, "7.1": 710} {
		if got, err := parseAmount(s); err != nil || got != want {
			t.Errorf("parseAmount(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1.234", "-1.00", "+1.00", "1,00", "abc", ".5", "99999999999999999999.00"} {
		if _, err := parseAmount(s); err == nil {
			t.Errorf("parseAmount(%q) accepted", s)
		}
	}
}

func TestIdempotenceKey(t *testing.T) {
	if k, err := idempotenceKey("abc"); k != "abc" || err != nil {
		t.Errorf("short key: %q, %v", k, err)
	}
	long := strings.Repeat("x", 65)
	a, _ := idempotenceKey(long)
	b, _ := idempotenceKey(long)
	if len(a) != 64 || a != b {
		t.Errorf("long key: %q", a)
	}
	if _, err := idempotenceKey(""); err == nil {
		t.Error("empty key accepted")
	}
}
