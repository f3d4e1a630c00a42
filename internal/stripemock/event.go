package stripemock

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// SessionEvent returns the body of a webhook event of eventType (e.g.
// "checkout.session.completed") about the Checkout Session object, as
// Stripe sends it.
func SessionEvent(eventID, eventType string, session map[string]any) []byte {
	return ObjectEvent(eventID, eventType, "checkout.session", session)
}

// ObjectEvent returns the body of a webhook event of eventType about an
// object of the kind named (e.g. "identity.verification_session"), with
// the fields given, as Stripe sends it.
func ObjectEvent(eventID, eventType, object string, fields map[string]any) []byte {
	obj := map[string]any{"object": object}
	for k, v := range fields {
		obj[k] = v
	}
	body, err := json.Marshal(map[string]any{
		"id":          eventID,
		"object":      "event",
		"api_version": stripe.APIVersion,
		"created":     time.Now().Unix(),
		"livemode":    false,
		"type":        eventType,
		"data":        map[string]any{"object": obj},
	})
	if err != nil {
		panic("stripemock: event: " + err.Error()) // only maps of JSON values come here
	}
	return body
}

// Signed returns the headers Stripe sends with body, signed with the
// endpoint's secret (whsec_…) at the time given.
func Signed(secret string, body []byte, at time.Time) http.Header {
	p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Stripe-Signature", p.Header)
	return h
}
