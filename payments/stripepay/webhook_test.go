package stripepay_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"naryad/hub"
	"naryad/internal/stripemock"
	"naryad/payments"
	"naryad/payments/stripepay"
)

// webhookProvider needs no API: webhooks are read offline.
func webhookProvider(t *testing.T, secret string) payments.Provider {
	t.Helper()
	p, err := stripepay.New(payments.ProviderConfig{SecretKey: testKey, WebhookSecret: secret, BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func session(id, status, paymentStatus string, amount int64) map[string]any {
	return map[string]any{
		"id": id, "status": status, "payment_status": paymentStatus, "mode": "payment",
		"amount_total": amount, "currency": "pln", "client_reference_id": "42",
		"metadata":             map[string]any{"naryad_payment_id": "42"},
		"payment_intent":       "pi_1",
		"payment_method_types": []any{"card", "blik", "p24"},
	}
}

func TestWebhookReadsTheFourSessionEvents(t *testing.T) {
	p := webhookProvider(t, testWhsec)
	cases := []struct {
		name, eventType string
		session         map[string]any
		want            payments.State
	}{
		{"paid at once (card)", "checkout.session.completed", session("cs_1", "complete", "paid", 12500),
			payments.State{Status: hub.PaymentSucceeded, PaidMinor: 12500, Currency: "PLN"}},
		{"completed, BLIK still going through", "checkout.session.completed", session("cs_2", "complete", "unpaid", 12500),
			payments.State{Status: hub.PaymentPending, Currency: "PLN"}},
		{"the delayed payment went through", "checkout.session.async_payment_succeeded", session("cs_3", "complete", "paid", 12500),
			payments.State{Status: hub.PaymentSucceeded, PaidMinor: 12500, Currency: "PLN"}},
		{"the delayed payment failed", "checkout.session.async_payment_failed", session("cs_4", "complete", "unpaid", 12500),
			payments.State{Status: hub.PaymentFailed, Currency: "PLN", Reason: "the payment did not go through"}},
		{"expired", "checkout.session.expired", session("cs_5", "expired", "unpaid", 12500),
			payments.State{Status: hub.PaymentCancelled, Currency: "PLN", Reason: "the Checkout Session expired"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eventID := "evt_" + string(rune('a'+i))
			body := stripemock.SessionEvent(eventID, c.eventType, c.session)
			n, err := p.Webhook(stripemock.Signed(testWhsec, body, time.Now()), body)
			if err != nil {
				t.Fatalf("Webhook: %v", err)
			}
			if n.EventID != eventID || n.ProviderID != c.session["id"] || !n.Trusted {
				t.Fatalf("notice %+v, want event %s about %s, trusted", n, eventID, c.session["id"])
			}
			paidAt := n.State.PaidAt
			n.State.PaidAt = time.Time{}
			if n.State != c.want {
				t.Fatalf("state\n %+v\nwant\n %+v", n.State, c.want)
			}
			if (c.want.Status == hub.PaymentSucceeded) == paidAt.IsZero() {
				t.Fatalf("PaidAt %v for a %s payment", paidAt, c.want.Status)
			}
		})
	}
}

func TestWebhookIgnoresWhatTheHubDoesNotTrack(t *testing.T) {
	p := webhookProvider(t, testWhsec)
	other := session("cs_shop", "complete", "paid", 5000)
	delete(other, "metadata") // a web shop's session on the same account
	for name, body := range map[string][]byte{
		"another event type":            stripemock.SessionEvent("evt_pi", "payment_intent.succeeded", map[string]any{"id": "pi_1"}),
		"a session naryad did not make": stripemock.SessionEvent("evt_shop", "checkout.session.completed", other),
	} {
		_, err := p.Webhook(stripemock.Signed(testWhsec, body, time.Now()), body)
		if !errors.Is(err, payments.ErrIgnored) {
			t.Errorf("%s: %v, want ErrIgnored", name, err)
		}
	}
}

func TestWebhookTakesAnotherAPIVersion(t *testing.T) {
	p := webhookProvider(t, testWhsec)
	body := bytes.Replace(stripemock.SessionEvent("evt_old", "checkout.session.completed", session("cs_1", "complete", "paid", 100)),
		[]byte(`"api_version":"`), []byte(`"api_version":"2020-08-27","x":"`), 1)
	n, err := p.Webhook(stripemock.Signed(testWhsec, body, time.Now()), body)
	if err != nil || n.State.Status != hub.PaymentSucceeded {
		t.Fatalf("an endpoint on API version 2020-08-27: %+v, %v", n, err)
	}
}

func TestWebhookRefusesWhatIsNotSignedByStripe(t *testing.T) {
	body := stripemock.SessionEvent("evt_1", "checkout.session.completed", session("cs_1", "complete", "paid", 12500))
	good := stripemock.Signed(testWhsec, body, time.Now())
	p := webhookProvider(t, testWhsec)
	if _, err := p.Webhook(good, body); err != nil {
		t.Fatalf("the good one: %v", err)
	}
	tampered := bytes.Replace(body, []byte(`12500`), []byte(`1`), 1)
	cases := []struct {
		name   string
		p      payments.Provider
		header http.Header
		body   []byte
	}{
		{"another secret", p, stripemock.Signed("whsec_someone_else", body, time.Now()), body},
		{"ten minutes old", p, stripemock.Signed(testWhsec, body, time.Now().Add(-10*time.Minute)), body},
		{"tampered body", p, good, tampered},
		{"no signature", p, http.Header{}, body},
		{"garbled signature", p, http.Header{"Stripe-Signature": {"t=abc,v1=zz"}}, body},
		{"no secret set", webhookProvider(t, ""), good, body},
	}
	for _, c := range cases {
		if _, err := c.p.Webhook(c.header, c.body); !errors.Is(err, payments.ErrBadSignature) {
			t.Errorf("%s: %v, want ErrBadSignature", c.name, err)
		}
	}

	// Signed but not JSON: an error, though neither a bad signature nor ignorable.
	junk := []byte("not json")
	_, err := p.Webhook(stripemock.Signed(testWhsec, junk, time.Now()), junk)
	if err == nil || errors.Is(err, payments.ErrBadSignature) || errors.Is(err, payments.ErrIgnored) {
		t.Fatalf("signed junk: %v", err)
	}
}
