package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// A refund whose provider did not answer stays booked (unconfirmed) and
// is retried by refunding that amount again: the page must let that
// retry through even when the booking took all that was refundable.
func TestAnUnconfirmedRefundCanBeRetriedFromThePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		r := hub.PaymentRefund{PaymentID: w.paidA.ID, AmountMinor: w.paidA.PaidMinor, Reason: "Брак", RefundedBy: "Root",
			Status: "pending", IdempotencyKey: "lost-answer"}
		if ok, err := h.Store.ReserveRefund(context.Background(), &r, 0); err != nil || !ok {
			t.Fatalf("reserve: %v %v", ok, err)
		}
		url := fmt.Sprintf("/inbox/threads/%d/payments/%s/refund", w.a.ID, strconv.FormatInt(w.paidA.ID, 10))
		root := w.signIn(t, "root")
		_, page := root.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", w.a.ID), nil)
		wantAll(t, page, `action="`+url+`"`, `name="amount" value="9500.00"`)
		resp, page := post(root, url, "amount", "9500", "reason", "Брак")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retry refused by the page: %d\n%s", resp.StatusCode, page)
		}
		if _, ref := w.fake.calls(); len(ref) != 1 || ref[0].Amount != w.paidA.PaidMinor {
			t.Fatalf("the service was not asked to retry: %+v", ref)
		}
	})
}
