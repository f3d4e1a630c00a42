package customer_test

import (
	"net/url"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// A confirm forged to answer only some of the lines waiting (the review
// always carries them all) is refused and stores nothing: stored, it would
// keep the version's one inspection report (the DMS's PDF) with the other
// lines undecided, and the confirm of the rest would keep none.
func TestAConfirmAnsweringOnlySomeLinesStoresNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ЧАСТЬ-1", estOrder("ru", "+79165550901",
			estLine("1", "labor", "Diagnostics", "1000", false),
			estLine("2", "part", "Brake pads", "6800", true),
			estLine("3", "part", "Wipers", "900", true)))
		pdfSend(t, h, pdfInspect(t, h, a))
		v := secOpen(t, send, a.Path)
		pads, wipers := a.line(t, h, "2"), a.line(t, h, "3")
		review := estReview(t, send, v, url.Values{estKey(pads): {hub.DecisionApproved}, estKey(wipers): {hub.DecisionDeclined}})
		forged := estForm(review)
		forged.Del(estKey(wipers))
		before := secCount(t, h)
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, forged), a.Path+"?err=choose")
		if after := secCount(t, h); after != before {
			t.Fatalf("a partial confirm stored something: %+v → %+v", before, after)
		}
		// The whole review confirms, and its report is the one kept.
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?ok=thanks")
		kept := 0
		for _, f := range secThreadFiles(t, h, a.Thread) {
			if f.DocKind == store.DocInspectionReport {
				kept++
			}
		}
		if got := secCount(t, h); got.Decided != before.Decided+2 || kept != 1 {
			t.Fatalf("after the whole confirm: %d decided (want %d), %d reports kept", got.Decided, before.Decided+2, kept)
		}
	})
}
