package templates

import (
	"testing"
	"time"
)

func TestExportedFormatters(t *testing.T) {
	if got, err := Money("ru-RU", 150050, "RUB"); err != nil || got != "1 500,50 ₽" {
		t.Errorf("Money = %q, %v", got, err)
	}
	if _, err := Money("en", 1, "XXZ"); err == nil {
		t.Error("Money accepted an unknown currency")
	}
	msk := time.FixedZone("MSK", 3*3600)
	if got := DateTime("pl", time.Date(2026, 11, 23, 14, 30, 0, 0, msk)); got != "23.11.2026 14:30" {
		t.Errorf("DateTime = %q", got)
	}
	if got := DateTime("en", time.Time{}); got != "" {
		t.Errorf("DateTime(zero) = %q", got)
	}
}
