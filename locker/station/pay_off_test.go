//go:build linux || darwin

package station_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/internal/stripemock"
)

// An admin turns a branch's online payments off while a customer's
// Checkout Session is open. Turned off at once, the branch's webhook
// address and checks would be gone while the customer can still pay on
// Stripe's page: money taken, and the hub never told. So the open session
// is closed at Stripe first (a payment that went through a moment before
// is recorded), and when Stripe cannot be asked the branch stays on.
func TestPaymentsOffClosesOpenSessionsFirst(t *testing.T) {
	eachPayHub(t, func(t *testing.T, h *apptest.Hub, peers peers) {
		ctx, mock := t.Context(), peers.stripe
		h = polishBranch(t, h)
		webhook := setPayments(t, h, hub.ProviderStripe, stripeKey, stripeWhsec)
		hubURL, _ := h.ServeAt(t, "127.0.0.1:0")
		lines := []any{line("1", "labor", "Wymiana oleju", "250")}
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "root", Name: "Anna Nowak", Role: store.RoleAdmin,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		admin := h.NewClient(t).SignIn("root", "s3cret-pass-word")
		settings := "/admin/branches/" + strconv.FormatInt(h.Branch.ID, 10) + "/payments"
		off := func() (int, string) {
			resp, body := admin.Post(settings, url.Values{"provider": {"off"}})
			return resp.StatusCode, body
		}
		open := func(number, session string) (*customerOf, hub.Payment) {
			pushEvents(t, h, orderEvent(h, "wo-"+number, number, 1, "Готов", "PLN", "pl", lines, map[string]any{"paid": false}))
			u := openPage(t, h, number)
			stripeSession(mock, session)
			u.pay("order")
			return u, paymentsOf(t, h, number)[0]
		}

		// Stripe does not answer: the branch stays on, the admin is told.
		_, p1 := open("WA-501", "cs_test_off_1")
		mock.Fail(http.MethodPost, sessions+"/cs_test_off_1/expire", http.StatusInternalServerError, "", "Stripe is down")
		if code, body := off(); code != http.StatusBadRequest || !strings.Contains(body, "still open") {
			t.Fatalf("payments off with Stripe down: %d\n%s", code, body)
		}
		if _, err := h.Store.BranchPayment(ctx, h.Branch.ID); err != nil {
			t.Fatalf("the branch's payments were turned off with a session open: %v", err)
		}
		// The customer pays it meanwhile; the webhook still finds its way.
		mock.Clear(http.MethodPost, sessions+"/cs_test_off_1/expire")
		event := stripemock.SessionEvent("evt_off_1", "checkout.session.completed", paidSession("cs_test_off_1", p1.ID, 25000))
		if code := postWebhook(t, hubURL, webhook, stripemock.Signed(stripeWhsec, event, time.Now()), event); code != http.StatusOK {
			t.Fatalf("the webhook: %d", code)
		}
		if n := len(changesOf(t, h, hub.ChangePayment, "WA-501")); n != 1 {
			t.Fatalf("%d payment changes, want 1", n)
		}

		// A session paid a moment before the admin pressed "off" (its
		// webhook not here yet), and one still open.
		_, p2 := open("WA-502", "cs_test_off_2")
		mock.Patch(http.MethodGet, sessions+"/cs_test_off_2", paidSession("cs_test_off_2", p2.ID, 25000))
		u3, p3 := open("WA-503", "cs_test_off_3")
		mock.Patch(http.MethodPost, sessions+"/cs_test_off_3/expire", map[string]any{"id": "cs_test_off_3", "status": "expired", "payment_status": "unpaid"})
		if code, body := off(); code != http.StatusSeeOther {
			t.Fatalf("payments off: %d\n%s", code, body)
		}
		if _, err := h.Store.BranchPayment(ctx, h.Branch.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the branch's payments are still on: %v", err)
		}
		if got, _ := h.Store.Payment(ctx, p2.ID); got.Status != hub.PaymentSucceeded || len(changesOf(t, h, hub.ChangePayment, "WA-502")) != 1 {
			t.Fatalf("the session paid before off: %s, %d changes; want succeeded and one change", got.Status, len(changesOf(t, h, hub.ChangePayment, "WA-502")))
		}
		if calls := stripeCalls(mock, http.MethodPost, sessions+"/cs_test_off_3/expire"); len(calls) != 1 {
			t.Fatalf("%d expire calls of the open session, want 1", len(calls))
		}
		if got, _ := h.Store.Payment(ctx, p3.ID); got.Status != hub.PaymentCancelled {
			t.Fatalf("the open session's payment: %s, want cancelled", got.Status)
		}
		if strings.Contains(u3.page(), `name="offer"`) {
			t.Fatal("the page offers a payment with the branch's payments off")
		}
	})
}
