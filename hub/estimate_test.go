package hub_test

import (
	"testing"

	"naryad/hub"
)

// The case: 12 500 of work and 1 800 of pads to approve, 14 300 in
// all. The customer declines the pads; the review and the page say 12 500
// until the DMS's own total takes the answer in, whatever versions it sends
// before that.
func TestCustomerTotal(t *testing.T) {
	lines := func(version int64, padsDecision string) []hub.WorkOrderLine {
		return []hub.WorkOrderLine{
			{ID: 1, Kind: hub.LineLabor, TotalMinor: 500000},
			{ID: 2, Kind: hub.LinePart, TotalMinor: 750000},
			{ID: 3, Kind: hub.LinePart, TotalMinor: 180000, NeedsApproval: true, Decision: padsDecision, DecidedVersion: version},
			{ID: 4, Kind: hub.LineRecommendation, TotalMinor: 90000, NeedsApproval: true},
		}
	}
	v1 := hub.WorkOrder{Version: 1, TotalMinor: 1430000}
	check := func(what string, w hub.WorkOrder, ls []hub.WorkOrderLine, picked map[int64]string, want int64, wantProvisional bool) {
		t.Helper()
		got, provisional := hub.CustomerTotal(w, ls, picked)
		if got != want || provisional != wantProvisional {
			t.Errorf("%s: %d provisional %v, want %d provisional %v", what, got, provisional, want, wantProvisional)
		}
	}
	check("nothing decided", v1, lines(0, ""), nil, 1430000, false)
	check("the review: pads declined, wipers approved", v1, lines(0, ""), map[int64]string{3: hub.DecisionDeclined, 4: hub.DecisionApproved}, 1340000, false)
	check("declined and stored", v1, lines(1, hub.DecisionDeclined), nil, 1250000, true)

	// A status-only version 2: the DMS's total is still the plain sum.
	v2 := hub.WorkOrder{Version: 2, TotalMinor: 1430000}
	if got := hub.TotalAfterDecisions(v2, lines(1, hub.DecisionDeclined), nil); got != 1430000 {
		t.Fatalf("TotalAfterDecisions alone: %d (the case CustomerTotal exists for)", got)
	}
	check("after a status-only version", v2, lines(1, hub.DecisionDeclined), nil, 1250000, true)
	check("a later review adds the wipers", v2, lines(1, hub.DecisionDeclined), map[int64]string{4: hub.DecisionApproved}, 1340000, true)
	check("an approval changes nothing", v2, lines(1, hub.DecisionApproved), nil, 1430000, false)

	// Version 3 took the answer in: its total is its own.
	v3 := hub.WorkOrder{Version: 3, TotalMinor: 1250000}
	check("the DMS's total once it read the answer", v3, lines(1, hub.DecisionDeclined), nil, 1250000, false)
}
