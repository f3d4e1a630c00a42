package yookassa

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"

	"naryad/payments"
)

// Webhook reads a YooKassa notification. YooKassa signs nothing, so the
// Notice is never Trusted: its State is only what the body claims, and the
// caller fetches the payment (Notice.ProviderID) back before acting. The
// event id is the event, the object's id and its status, which YooKassa
// repeats exactly when it sends the same notification again.
//
// Tracked events: payment.succeeded, payment.canceled,
// payment.waiting_for_capture and refund.succeeded (about the refund's
// payment); other events give payments.ErrIgnored, and a body that is not
// a notification an error.
func (p *Provider) Webhook(_ http.Header, body []byte) (payments.Notice, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return payments.Notice{}, fmt.Errorf("yookassa notification: %w", err)
	}
	if n.Type != "notification" || n.Event == "" || len(n.Object) == 0 {
		return payments.Notice{}, errors.New("yookassa notification: not a notification (type, event and object are required)")
	}
	switch n.Event {
	case "payment.succeeded", "payment.canceled", "payment.waiting_for_capture":
		var obj payment
		if err := json.Unmarshal(n.Object, &obj); err != nil || obj.ID == "" || obj.Status == "" {
			return payments.Notice{}, fmt.Errorf("yookassa notification %s: the object is not a payment", n.Event)
		}
		// What the body claims, for logs; the caller does not trust it.
		st, _ := stateOf(obj)
		return payments.Notice{EventID: n.Event + ":" + obj.ID + ":" + obj.Status, ProviderID: obj.ID, State: st}, nil
	case "refund.succeeded":
		var obj refund
		if err := json.Unmarshal(n.Object, &obj); err != nil || obj.ID == "" || obj.PaymentID == "" || obj.Status == "" {
			return payments.Notice{}, fmt.Errorf("yookassa notification %s: the object is not a refund", n.Event)
		}
		return payments.Notice{EventID: n.Event + ":" + obj.ID + ":" + obj.Status, ProviderID: obj.PaymentID}, nil
	default:
		return payments.Notice{}, payments.ErrIgnored
	}
}

// sourceNetworks are the addresses YooKassa sends notifications from, as
// its documentation lists them
// (https://yookassa.ru/developers/using-api/webhooks#ip).
var sourceNetworks = []string{
	"185.71.76.0/27",
	"185.71.77.0/27",
	"77.75.153.0/25",
	"77.75.156.11/32",
	"77.75.156.35/32",
	"77.75.154.128/25",
	"2a02:5180::/32",
}

// FromYooKassa tells whether a peer address ("ip" or "ip:port") is in
// sourceNetworks. It is optional hardening: the fetch-back is what makes a
// notification safe.
func FromYooKassa(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, n := range sourceNetworks {
		if prefix, err := netip.ParsePrefix(n); err == nil && prefix.Contains(ip) {
			return true
		}
	}
	return false
}
