package customer_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// bidiControls are the characters that make the text after them run the
// other way until the end of the paragraph: in a line's name, the sum
// drawn right after it ("Колодки‮ 6 800,00 ₽") reads backwards.
const bidiControls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

// A DMS line name and a mechanic's note and free item name with direction
// overrides are shown without them (on the page, in the review and in the
// decided list), the words kept, so no text can turn the sums beside it
// around.
func TestDirectionOverridesNeverReachThePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secInProcess(h)
		a := secPushOrder(t, h, "ЛТР-1", estOrder("ru", "+79165550911",
			estLine("1", "labor", "Diagnostics", "1000", false),
			estLine("2", "part", "Колодки\u202e 008 6", "6800", true),
			estLine("3", "part", "Щётки\u2067", "900", true)))
		ctx := context.Background()
		insp := pdfInspect(t, h, a)
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		note := "Стёрты\u202d 1,5"
		if _, err := h.Store.EditInspectionItem(ctx, insp.ID, items[0].ID, store.ItemEdit{Note: &note, By: "Иван"}); err != nil {
			t.Fatal(err)
		}
		repTieLine(t, h, a.line(t, h, "2").ID, items[0].Code)
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		check := func(step, body string, want ...string) {
			t.Helper()
			if i := strings.IndexAny(body, bidiControls); i >= 0 {
				t.Errorf("%s: a direction override at %d: %q", step, i, body[max(0, i-80):min(len(body), i+80)])
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: %q is lost", step, w)
				}
			}
		}
		check("page", secBody(t, secGet(t, send, a.Path, v.cookie)), "Колодки 008 6", "Щётки", "Стёрты 1,5")
		review := estReview(t, send, v, url.Values{
			estKey(a.line(t, h, "2")): {hub.DecisionApproved}, estKey(a.line(t, h, "3")): {hub.DecisionDeclined}})
		check("review", review, "Колодки 008 6", "Щётки")
		secExpectRedirect(t, secPostForm(t, send, a.Path+"/estimate", v.cookie, estForm(review)), a.Path+"?ok=thanks")
		check("decided", secBody(t, secGet(t, send, a.Path, v.cookie)), "Колодки 008 6", "Щётки")
	})
}
