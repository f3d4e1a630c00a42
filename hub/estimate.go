package hub

// TotalAfterDecisions is the work order's total as the customer's answers
// make it: the one figure the customer is shown, on the review step before
// confirming and on the page after, so the two cannot disagree.
//
// The DMS's total counts labour and parts, those awaiting approval included,
// and leaves recommendations out (see docs/exchange.md). A declined line
// leaves the total; an approved recommendation joins it. The answers counted
// are picked (line id → decision, chosen but not yet stored) and those stored
// against this very version of the work order. A newer version is the DMS's
// own account of the answers it has read, so its total is shown as it is.
func TotalAfterDecisions(w WorkOrder, lines []WorkOrderLine, picked map[int64]string) int64 {
	total := w.TotalMinor
	for _, l := range lines {
		if !l.NeedsApproval {
			continue
		}
		d, ok := picked[l.ID]
		if !ok && l.DecidedVersion == w.Version {
			d = l.Decision
		}
		switch {
		case d == DecisionDeclined && l.Kind != LineRecommendation:
			total -= l.TotalMinor
		case d == DecisionApproved && l.Kind == LineRecommendation:
			total += l.TotalMinor
		}
	}
	return total
}
