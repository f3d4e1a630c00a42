package hub_test

import (
	"testing"

	"naryad/hub"
)

func TestAmountDue(t *testing.T) {
	lines := []hub.WorkOrderLine{
		{Kind: hub.LineLabor, TotalMinor: 100000},                                                             // plain work: due
		{Kind: hub.LinePart, TotalMinor: 20000, Decision: hub.DecisionDeclined},                               // declined
		{Kind: hub.LinePart, TotalMinor: 30000, NeedsApproval: true},                                          // undecided
		{Kind: hub.LinePart, TotalMinor: 40000, NeedsApproval: true, Decision: hub.DecisionApproved},          // approved
		{Kind: hub.LineRecommendation, TotalMinor: 250000},                                                    // never agreed to
		{Kind: hub.LineRecommendation, TotalMinor: 5000, NeedsApproval: true, Decision: hub.DecisionApproved}, // agreed
	}
	if got := hub.AmountDue(nil, lines); got != 145000 {
		t.Fatalf("amount due from the lines: %d, want 145000", got)
	}
	sent := int64(1250000)
	if got := hub.AmountDue(&sent, lines); got != sent {
		t.Fatalf("amount due the DMS sent: %d, want %d", got, sent)
	}
	zero := int64(0)
	if got := hub.AmountDue(&zero, lines); got != 0 {
		t.Fatalf("the DMS says nothing is due: %d", got)
	}
}

func TestProviderTakes(t *testing.T) {
	for _, c := range []struct {
		provider, currency string
		want               bool
	}{
		{hub.ProviderStripe, "PLN", true}, {hub.ProviderStripe, "EUR", true}, {hub.ProviderStripe, "RUB", false},
		{hub.ProviderYooKassa, "RUB", true}, {hub.ProviderYooKassa, "PLN", false}, {"", "RUB", false}, {hub.ProviderStripe, "pln", false},
	} {
		if got := hub.ProviderTakes(c.provider, c.currency); got != c.want {
			t.Errorf("%s takes %s: %v, want %v", c.provider, c.currency, got, c.want)
		}
	}
}

func TestRefundNotMade(t *testing.T) {
	for status, want := range map[string]bool{"failed": true, "Canceled": true, "cancelled": true, "succeeded": false, "pending": false} {
		if got := hub.RefundNotMade(status); got != want {
			t.Errorf("RefundNotMade(%q) = %v", status, got)
		}
	}
}
