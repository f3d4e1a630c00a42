package yookassa_test

import (
	"errors"
	"net/http"
	"testing"

	"naryad/hub"
	"naryad/payments"
	"naryad/payments/yookassa"
)

func TestWebhookNamesTheEventAndThePayment(t *testing.T) {
	yk, p := provider(t, nil)
	c := create(t, p, order("a"))
	yk.Pay(c.ProviderID, "sbp")

	n, err := p.Webhook(http.Header{}, yk.Notification("payment.succeeded", c.ProviderID))
	if err != nil {
		t.Fatal(err)
	}
	if n.EventID != "payment.succeeded:"+c.ProviderID+":succeeded" || n.ProviderID != c.ProviderID || n.Trusted {
		t.Errorf("notice %+v", n)
	}
	if n.State.Status != hub.PaymentSucceeded {
		t.Errorf("the claimed state %+v", n.State)
	}
	again, _ := p.Webhook(http.Header{}, yk.Notification("payment.succeeded", c.ProviderID))
	if again.EventID != n.EventID {
		t.Errorf("the same notification twice: %q then %q", n.EventID, again.EventID)
	}

	if _, err := p.Refund(t.Context(), payments.RefundRequest{ProviderID: c.ProviderID, IdempotencyKey: "r", AmountMinor: 100, Currency: "RUB"}); err != nil {
		t.Fatal(err)
	}
	refundID := yk.Refunds()[0].ID
	n, err = p.Webhook(http.Header{}, yk.Notification("refund.succeeded", refundID))
	if err != nil || n.ProviderID != c.ProviderID || n.EventID != "refund.succeeded:"+refundID+":succeeded" || n.Trusted {
		t.Errorf("refund notice %+v, %v; want about the payment", n, err)
	}

	gone := create(t, p, order("b"))
	yk.CancelPayment(gone.ProviderID)
	n, err = p.Webhook(http.Header{}, yk.Notification("payment.canceled", gone.ProviderID))
	if err != nil || n.ProviderID != gone.ProviderID || n.EventID != "payment.canceled:"+gone.ProviderID+":canceled" {
		t.Errorf("cancel notice %+v, %v", n, err)
	}
}

func TestWebhookIgnoresOtherEventsAndRefusesGarbage(t *testing.T) {
	_, p := provider(t, nil)
	ignored := `{"type":"notification","event":"payout.succeeded","object":{"id":"po-1","status":"succeeded"}}`
	if _, err := p.Webhook(http.Header{}, []byte(ignored)); !errors.Is(err, payments.ErrIgnored) {
		t.Errorf("payout event: %v, want ErrIgnored", err)
	}
	for name, body := range map[string]string{
		"not JSON":            `<html>`,
		"not a notification":  `{"type":"payment","event":"payment.succeeded","object":{"id":"1","status":"succeeded"}}`,
		"no event":            `{"type":"notification","object":{"id":"1","status":"succeeded"}}`,
		"no object":           `{"type":"notification","event":"payment.succeeded"}`,
		"payment without id":  `{"type":"notification","event":"payment.succeeded","object":{"status":"succeeded"}}`,
		"refund without paym": `{"type":"notification","event":"refund.succeeded","object":{"id":"r","status":"succeeded"}}`,
		"object not object":   `{"type":"notification","event":"payment.succeeded","object":"x"}`,
	} {
		_, err := p.Webhook(http.Header{}, []byte(body))
		if err == nil || errors.Is(err, payments.ErrIgnored) || errors.Is(err, payments.ErrBadSignature) {
			t.Errorf("%s: %v, want a plain error", name, err)
		}
	}
}

func TestFromYooKassa(t *testing.T) {
	for addr, want := range map[string]bool{
		"185.71.76.5":         true,
		"185.71.77.31:443":    true,
		"77.75.156.11":        true,
		"77.75.154.200":       true,
		"[2a02:5180::1]:8080": true,
		"::ffff:185.71.76.1":  true,
		"185.71.76.32":        false,
		"77.75.156.12":        false,
		"127.0.0.1:1234":      false,
		"not an address":      false,
		"[2a03:5180::1]:8080": false,
	} {
		if got := yookassa.FromYooKassa(addr); got != want {
			t.Errorf("FromYooKassa(%q) = %v", addr, got)
		}
	}
}
