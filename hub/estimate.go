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

// CustomerTotal is the total every page shows for the work order — the
// customer's page, its review step, the staff's order card, the inspection
// PDF — so staff quote the figure the customer saw. picked are choices not
// yet stored (the review's), nil elsewhere. provisional: the sum counts
// decisions the DMS has not taken in yet, so the service is still to
// confirm it.
//
// TotalAfterDecisions alone counts the decisions stored against the current
// version and trusts any newer version's total. But the DMS often sends a
// new version for another reason (a status change, the whole work order
// again) before it has read the decisions: its total still counts the
// declined line, and the page said "Итого 14 300 ₽" right after the review
// had said "new total 12 500 ₽". A newer version has taken the decisions in
// only when its total is no longer the plain sum of the work it asks for
// (labour and parts, recommendations left out); until then the decisions
// kept on its lines still count.
func CustomerTotal(w WorkOrder, lines []WorkOrderLine, picked map[int64]string) (total int64, provisional bool) {
	stored, provisional := storedAnswers(w, lines)
	for id, d := range picked {
		stored[id] = d
	}
	return TotalAfterDecisions(w, lines, stored), provisional
}

// storedAnswers are the stored decisions a newer version's total has not
// taken in (see CustomerTotal), and whether any decision still waits for
// the DMS.
func storedAnswers(w WorkOrder, lines []WorkOrderLine) (map[int64]string, bool) {
	var asked int64
	for _, l := range lines {
		if l.Kind != LineRecommendation {
			asked += l.TotalMinor
		}
	}
	picked := map[int64]string{}
	provisional := false
	for _, l := range lines {
		if !l.NeedsApproval || l.Decision == "" {
			continue
		}
		if l.DecidedVersion == w.Version {
			provisional = true // the DMS has not answered these yet
			continue
		}
		changes := (l.Decision == DecisionDeclined) != (l.Kind == LineRecommendation)
		if w.TotalMinor == asked && changes {
			picked[l.ID] = l.Decision
			provisional = true
		}
	}
	return picked, provisional
}
