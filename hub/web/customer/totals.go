package customer

import "naryad/hub"

// storedAnswers are the customer's stored decisions the page's total must
// count (hub.TotalAfterDecisions' picked), and whether that total is still
// the customer's own sum for the service to confirm.
//
// TotalAfterDecisions counts decisions stored against the work order's
// current version and trusts any newer version's total. But the DMS often
// sends a new version for another reason (a status change, the whole work
// order again) before it has read the decisions: its total still counts the
// declined line, and the page said "Итого 14 300 ₽" right after the review
// had said "new total 12 500 ₽". A newer version has taken the decisions in
// only when its total is no longer the plain sum of the work it asks for
// (labour and parts, recommendations left out); until then the decisions
// kept on its lines still count, and the sum stays provisional.
func storedAnswers(w hub.WorkOrder, lines []hub.WorkOrderLine) (map[int64]string, bool) {
	var asked int64
	for _, l := range lines {
		if l.Kind != hub.LineRecommendation {
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
		changes := (l.Decision == hub.DecisionDeclined) != (l.Kind == hub.LineRecommendation)
		if w.TotalMinor == asked && changes {
			picked[l.ID] = l.Decision
			provisional = true
		}
	}
	return picked, provisional
}

// withChoices adds the choices of a review to the stored answers.
func withChoices(stored, choices map[int64]string) map[int64]string {
	out := make(map[int64]string, len(stored)+len(choices))
	for id, d := range stored {
		out[id] = d
	}
	for id, d := range choices {
		out[id] = d
	}
	return out
}
