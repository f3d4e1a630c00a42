package stripeid_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
)

// now is the receiving hub's clock in these tests; events are signed
// relative to it, never to the machine's.
var now = time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)

func vsession(id, status string, lastError any) map[string]any {
	return map[string]any{
		"id": id, "status": status, "type": "document", "client_reference_id": "7",
		"metadata":   map[string]any{"naryad_reference": "7"},
		"last_error": lastError,
		"options":    map[string]any{"document": map[string]any{"require_matching_selfie": true}},
	}
}

// signed is an event body and its Stripe-Signature header, signed at at.
func signed(t *testing.T, secret string, body []byte, at time.Time) string {
	t.Helper()
	return stripemock.Signed(secret, body, at).Get("Stripe-Signature")
}

func vsEvent(eventID, eventType string, session map[string]any) []byte {
	return stripemock.ObjectEvent(eventID, eventType, "identity.verification_session", session)
}

func TestWebhookReadsTheFourSessionEvents(t *testing.T) {
	expired := map[string]any{"code": "document_expired", "reason": "The document is expired."}
	cases := []struct {
		eventType string
		session   map[string]any
		want      stripeid.Event
	}{
		{"identity.verification_session.verified", vsession("vs_1", "verified", nil),
			stripeid.Event{SessionID: "vs_1", Status: identity.Verified}},
		{"identity.verification_session.processing", vsession("vs_2", "processing", expired), // an old try's error
			stripeid.Event{SessionID: "vs_2", Status: identity.Processing}},
		{"identity.verification_session.requires_input", vsession("vs_3", "requires_input", expired),
			stripeid.Event{SessionID: "vs_3", Status: identity.RequiresInput, LastErrorCode: "document_expired", LastErrorReason: "The document is expired."}},
		{"identity.verification_session.canceled", vsession("vs_4", "canceled", nil),
			stripeid.Event{SessionID: "vs_4", Status: identity.Canceled}},
	}
	for i, c := range cases {
		t.Run(c.eventType, func(t *testing.T) {
			eventID := "evt_" + string(rune('a'+i))
			body := vsEvent(eventID, c.eventType, c.session)
			got, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now.Add(-30*time.Second)), testWhsec, now)
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if got.Created.IsZero() {
				t.Errorf("no Created time")
			}
			want := c.want
			want.ID, want.Type, want.Reference, want.Created = eventID, c.eventType, "7", got.Created
			if got != want {
				t.Fatalf("event\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

func TestWebhookTakesAnotherAPIVersionAndAClockAhead(t *testing.T) {
	body := bytes.Replace(vsEvent("evt_old", "identity.verification_session.verified", vsession("vs_1", "verified", nil)),
		[]byte(`"api_version":"`), []byte(`"api_version":"2020-08-27","x":"`), 1)
	// Stripe's clock a minute ahead of the hub's.
	got, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now.Add(time.Minute)), testWhsec, now)
	if err != nil || got.Status != identity.Verified || got.SessionID != "vs_1" {
		t.Fatalf("an endpoint on API version 2020-08-27: %+v, %v", got, err)
	}
}

func TestWebhookRefusesWhatIsNotFreshlySignedByStripe(t *testing.T) {
	body := vsEvent("evt_1", "identity.verification_session.verified", vsession("vs_1", "verified", nil))
	good := signed(t, testWhsec, body, now)
	if _, err := stripeid.ParseWebhook(body, good, testWhsec, now); err != nil {
		t.Fatalf("the good one: %v", err)
	}
	// A forger turning a refusal into a verification.
	forged := vsEvent("evt_2", "identity.verification_session.requires_input", vsession("vs_1", "requires_input", nil))
	tampered := bytes.Replace(forged, []byte("requires_input"), []byte("verified"), -1)
	cases := []struct {
		name, header, secret string
		body                 []byte
		want                 error
	}{
		{"another secret", signed(t, "whsec_someone_else", body, now), testWhsec, body, identity.ErrBadSignature},
		{"tampered body", signed(t, testWhsec, forged, now), testWhsec, tampered, identity.ErrBadSignature},
		{"no signature", "", testWhsec, body, identity.ErrBadSignature},
		{"garbled signature", "t=abc,v1=zz", testWhsec, body, identity.ErrBadSignature},
		{"signature without a time", strings.Split(good, ",")[1], testWhsec, body, identity.ErrBadSignature},
		{"no secret set", good, "", body, identity.ErrBadSignature},
		{"a key for a secret", good, testKey, body, identity.ErrBadSignature},
		{"replayed ten minutes later", signed(t, testWhsec, body, now.Add(-10*time.Minute)), testWhsec, body, identity.ErrStale},
		{"replayed a day later", good, testWhsec, body, nil}, // checked below with another now
		{"signed in the future", signed(t, testWhsec, body, now.Add(10*time.Minute)), testWhsec, body, identity.ErrStale},
	}
	if _, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now.Add(10*time.Minute)), testWhsec, now); err == nil || !strings.Contains(err.Error(), "10m0s in the future") {
		t.Errorf("signed in the future: %v, want it said", err)
	}
	for _, c := range cases {
		if c.want == nil {
			continue
		}
		_, err := stripeid.ParseWebhook(c.body, c.header, c.secret, now)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	_, err := stripeid.ParseWebhook(body, good, testWhsec, now.Add(24*time.Hour))
	if !errors.Is(err, identity.ErrStale) || !strings.Contains(err.Error(), "24h0m0s old") {
		t.Errorf("the good one replayed a day later: %v, want ErrStale saying how old", err)
	}
	if errors.Is(err, identity.ErrBadSignature) {
		t.Errorf("a stale event is not a bad signature: %v", err)
	}
}

func TestWebhookRefusesAHugeBodyBeforeCheckingIt(t *testing.T) {
	session := vsession("vs_1", "verified", nil)
	session["padding"] = strings.Repeat("x", stripeid.MaxWebhookBody)
	body := vsEvent("evt_big", "identity.verification_session.verified", session)
	_, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now), testWhsec, now)
	if !errors.Is(err, identity.ErrTooLarge) {
		t.Fatalf("a %d-byte body: %v, want ErrTooLarge", len(body), err)
	}
	// Just under the limit is read.
	session["padding"] = strings.Repeat("x", stripeid.MaxWebhookBody-1024)
	body = vsEvent("evt_big", "identity.verification_session.verified", session)
	if _, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now), testWhsec, now); err != nil {
		t.Fatalf("a %d-byte body: %v", len(body), err)
	}
}

func TestWebhookIgnoresWhatTheHubDoesNotTrack(t *testing.T) {
	foreign := vsession("vs_shop", "verified", nil)
	delete(foreign, "metadata") // made by something else on the same account
	for name, body := range map[string][]byte{
		"a created session":      vsEvent("evt_c", "identity.verification_session.created", vsession("vs_1", "requires_input", nil)),
		"a redacted session":     vsEvent("evt_r", "identity.verification_session.redacted", vsession("vs_1", "verified", nil)),
		"a payment":              stripemock.SessionEvent("evt_p", "checkout.session.completed", map[string]any{"id": "cs_1"}),
		"a session not naryad's": vsEvent("evt_f", "identity.verification_session.verified", foreign),
	} {
		ev, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now), testWhsec, now)
		if !errors.Is(err, identity.ErrIgnored) {
			t.Errorf("%s: %+v, %v; want ErrIgnored", name, ev, err)
		}
	}
	body := vsEvent("evt_c", "identity.verification_session.created", vsession("vs_1", "requires_input", nil))
	if _, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now), testWhsec, now); !strings.Contains(err.Error(), "identity.verification_session.created") {
		t.Errorf("the error %q does not name the event type", err)
	}
}

func TestWebhookSignedJunkIsAnError(t *testing.T) {
	for name, body := range map[string][]byte{
		"not JSON":       []byte("not json"),
		"no event id":    bytes.Replace(vsEvent("", "identity.verification_session.verified", vsession("vs_1", "verified", nil)), []byte(`"id":""`), []byte(`"id":null`), 1),
		"no session id":  vsEvent("evt_1", "identity.verification_session.verified", map[string]any{"status": "verified", "metadata": map[string]any{"naryad_reference": "7"}}),
		"session a list": vsEvent("evt_1", "identity.verification_session.verified", map[string]any{"id": "vs_1", "metadata": []any{"x"}}),
	} {
		_, err := stripeid.ParseWebhook(body, signed(t, testWhsec, body, now), testWhsec, now)
		if err == nil || errors.Is(err, identity.ErrBadSignature) || errors.Is(err, identity.ErrIgnored) || errors.Is(err, identity.ErrStale) {
			t.Errorf("signed %s: %v, want a plain error", name, err)
		}
	}
}
