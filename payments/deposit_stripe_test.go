package payments_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/internal/stripemock"
	"naryad/templates"
)

// stripeSessionMade makes stripe-mock answer the next session creates
// with the session id.
func (d *depositEnv) stripeSessionMade(id string) {
	d.mock.Patch(http.MethodPost, sessionsPath, map[string]any{"id": id, "url": "https://checkout.stripe.com/c/pay/" + id,
		"status": "open", "payment_intent": nil})
}

func (d *depositEnv) stripeCalls(method, path string) []stripemock.Request {
	var out []stripemock.Request
	for _, r := range d.mock.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// The deposit through Stripe: a Checkout Session with the PaymentIntent
// captured by hand, card only; a bad signature is refused, a completed
// session is read back (requires_capture is held), an event seen before
// changes nothing; at the return part is captured with the hold's key.
func TestDepositThroughStripe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderStripe)
		const id = "cs_test_deposit1"
		d.stripeSessionMade(id)
		url := d.startHold(t)
		if url != "https://checkout.stripe.com/c/pay/"+id {
			t.Fatalf("page %q", url)
		}
		creates := d.stripeCalls(http.MethodPost, sessionsPath)
		if len(creates) != 1 {
			t.Fatalf("%d creates", len(creates))
		}
		f := creates[0].Form
		h := d.holds(t)[0]
		if f.Get("payment_intent_data[capture_method]") != "manual" || f.Get("line_items[0][price_data][unit_amount]") != "100000" ||
			f.Get("line_items[0][price_data][currency]") != "pln" || f.Get("payment_method_types[0]") != "card" ||
			f.Get("payment_method_types[1]") != "" || f.Get("success_url") != loanReturn || f.Get("locale") != "ru" ||
			creates[0].Header.Get("Idempotency-Key") != h.IdempotencyKey {
			t.Fatalf("create %v %v", f, creates[0].Header)
		}

		if got := d.stripeNotice(t, "evt_forged", "checkout.session.completed", id, "whsec_wrong"); got != 400 {
			t.Fatalf("bad signature: %d", got)
		}
		d.stripeSession(id, "")
		if got := d.stripeNotice(t, "evt_1", "checkout.session.completed", id, stripeWhsec); got != 200 {
			t.Fatalf("early event: %d", got)
		}
		if d.loanNow(t).DepositStatus != hub.DepositRequired {
			t.Fatal("held while Stripe says the page is open")
		}
		d.stripeSession(id, "requires_capture")
		for range 3 { // the event again, as Stripe retries it: applied once
			if got := d.stripeNotice(t, "evt_1", "checkout.session.completed", id, stripeWhsec); got != 200 {
				t.Fatalf("event: %d", got)
			}
		}
		l := d.loanNow(t)
		if l.DepositStatus != hub.DepositHeld || *l.DepositPaymentID != h.ID {
			t.Fatalf("loan %+v", l)
		}
		if ev := d.loanEvents(t); !slices.Equal(ev, []string{hub.LoanEventOffered, hub.LoanEventDepositHeld}) {
			t.Fatalf("loan events %v", ev)
		}
		if d.order(t).Paid || len(d.changes(t, hub.ChangePayment)) != 0 || len(d.lockers.Saved()) != 0 {
			t.Fatal("a hold was taken for the work order's payment")
		}

		d.move(t, hub.LoanEventOut, hub.LoanOut)
		d.move(t, hub.LoanEventReturned, hub.LoanReturned)
		d.mock.Patch(http.MethodPost, "/v1/payment_intents/pi_"+id+"/capture", map[string]any{"status": "succeeded", "currency": "pln",
			"amount_received": 30000, "latest_charge": nil, "payment_method": map[string]any{"type": "card"}})
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 30000, "Anna"); err != nil {
			t.Fatalf("capture: %v", err)
		}
		sent := d.stripeCalls(http.MethodPost, "/v1/payment_intents/pi_"+id+"/capture")
		if len(sent) != 1 || sent[0].Form.Get("amount_to_capture") != "30000" || sent[0].Header.Get("Idempotency-Key") != h.IdempotencyKey+"-capture-30000" {
			t.Fatalf("capture sent %+v", sent)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositCaptured {
			t.Fatalf("loan %+v", l)
		}
		if p := d.payment(t, h.ID); p.Status != hub.PaymentSucceeded || p.PaidMinor != 30000 {
			t.Fatalf("hold %+v", p)
		}
		if c := d.changes(t, hub.ChangePayment); len(c) != 1 || !strings.Contains(c[0].Data, `"kind":"loan_deposit"`) {
			t.Fatalf("payment changes %+v", c)
		}
		if out := d.toCustomer(t); len(out) != 1 || !strings.Contains(out[0].Body, "300,00") {
			t.Fatalf("to the customer %+v", out)
		}
	})
}

// Stripe refuses the card (the PaymentIntent back to
// requires_payment_method) or the page expires: the deposit failed; a
// hold the customer makes on a loan withdrawn meanwhile is released at
// once (the PaymentIntent cancelled).
func TestDepositStripeFailureAndUnwantedHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderStripe)
		d.stripeSessionMade("cs_test_refused")
		d.startHold(t)
		d.stripeSession("cs_test_refused", "requires_payment_method", map[string]any{
			"last_payment_error": map[string]any{"type": "card_error", "message": "Your card was declined."}})
		if got := d.stripeNotice(t, "evt_r", "checkout.session.completed", "cs_test_refused", stripeWhsec); got != 200 {
			t.Fatalf("event %d", got)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositFailed {
			t.Fatalf("loan %+v", l)
		}
		lines := d.lines(t, templates.SysLoanDepositFailed)
		if len(lines) != 1 || !strings.Contains(lines[0].Text("en"), "declined") {
			t.Fatalf("failed lines %+v", lines)
		}

		d.stripeSessionMade("cs_test_late")
		d.startHold(t)
		d.move(t, hub.LoanEventWithdrawn, hub.LoanWithdrawn)
		d.stripeSession("cs_test_late", "requires_capture")
		d.mock.Patch(http.MethodPost, "/v1/payment_intents/pi_cs_test_late/cancel", map[string]any{"status": "canceled", "currency": "pln",
			"latest_charge": nil, "cancellation_reason": nil})
		if got := d.stripeNotice(t, "evt_late", "checkout.session.completed", "cs_test_late", stripeWhsec); got != 200 {
			t.Fatalf("event %d", got)
		}
		if n := len(d.stripeCalls(http.MethodPost, "/v1/payment_intents/pi_cs_test_late/cancel")); n != 1 {
			t.Fatalf("%d cancels of the unwanted hold", n)
		}
		h := d.holds(t)[0]
		if h.Status != hub.PaymentCancelled || len(d.lines(t, templates.SysLoanDepositUnwanted)) != 1 {
			t.Fatalf("unwanted hold %+v", h)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositFailed || l.DepositPaymentID != nil {
			t.Fatalf("an unwanted hold moved the loan: %+v", l)
		}
		if _, err := d.svc.StartHold(ctx, d.loanNow(t), loanReturn); err == nil {
			t.Fatal("a hold for a withdrawn loan")
		}
	})
}
