package stripeid

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"naryad/identity"
)

// MaxWebhookBody bounds a webhook body: a VerificationSession event is a
// few kilobytes; anything far larger is refused before its signature is
// computed. The route should set the same limit on its body.
const MaxWebhookBody = 64 << 10

// Tolerance is how far a webhook's signed time may be from now, either
// way, as Stripe's own libraries allow: an older event is a replay (or a
// retry of a very old one, which Fetch answers better).
const Tolerance = 5 * time.Minute

// Event is one Stripe Identity webhook, verified and read.
type Event struct {
	ID        string // evt_…: unique, the caller stores it once (replay safety is the caller's)
	Type      string // identity.verification_session.verified, .requires_input, .processing or .canceled
	Created   time.Time
	SessionID string          // vs_…
	Reference string          // as given to Start (the loan id)
	Status    identity.Status // what Type means
	// LastErrorCode is why the try failed (e.g. document_expired,
	// selfie_face_mismatch), with requires_input or canceled; empty else.
	LastErrorCode   string
	LastErrorReason string
}

// eventStatus is the four session events the hub follows, by type.
var eventStatus = map[stripe.EventType]identity.Status{
	stripe.EventTypeIdentityVerificationSessionVerified:      identity.Verified,
	stripe.EventTypeIdentityVerificationSessionRequiresInput: identity.RequiresInput,
	stripe.EventTypeIdentityVerificationSessionProcessing:    identity.Processing,
	stripe.EventTypeIdentityVerificationSessionCanceled:      identity.Canceled,
}

// ParseWebhook verifies a Stripe webhook (the Stripe-Signature header,
// signed with the endpoint's whsec_ secret, at a time within Tolerance of
// now) and reads the VerificationSession event in it. Errors:
// identity.ErrTooLarge, identity.ErrBadSignature, identity.ErrStale (a
// replayed old event), identity.ErrIgnored (another event type, or a
// session the hub did not make); anything else is a genuine but unreadable
// event. The event's API version may differ from stripe-go's: the fields
// read here are the same in every version.
func ParseWebhook(body []byte, signatureHeader, secret string, now time.Time) (Event, error) {
	if len(body) > MaxWebhookBody {
		return Event{}, fmt.Errorf("%w: %d bytes, at most %d", identity.ErrTooLarge, len(body), MaxWebhookBody)
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "whsec_") {
		return Event{}, fmt.Errorf("%w: the branch has no Stripe Identity webhook signing secret (whsec_…) set", identity.ErrBadSignature)
	}
	if err := webhook.ValidatePayloadIgnoringTolerance(body, signatureHeader, secret); err != nil {
		return Event{}, fmt.Errorf("%w: %v", identity.ErrBadSignature, err)
	}
	// The signature covers the timestamp, so it is Stripe's; stripe-go
	// would compare it with the machine's clock, here it is the caller's.
	signedAt, err := signedTime(signatureHeader)
	if err != nil {
		return Event{}, fmt.Errorf("%w: %v", identity.ErrBadSignature, err)
	}
	if age := now.Sub(signedAt); age > Tolerance || age < -Tolerance {
		when := age.Round(time.Second).String() + " old"
		if age < 0 {
			when = (-age).Round(time.Second).String() + " in the future"
		}
		return Event{}, fmt.Errorf("%w: signed at %s, %s (at most %s either way)", identity.ErrStale,
			signedAt.UTC().Format(time.RFC3339), when, Tolerance)
	}

	var ev stripe.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return Event{}, fmt.Errorf("stripe identity webhook: read the event: %w", err)
	}
	status, ok := eventStatus[ev.Type]
	if !ok {
		return Event{}, fmt.Errorf("%w: stripe event type %q", identity.ErrIgnored, ev.Type)
	}
	if ev.ID == "" || ev.Data == nil || len(ev.Data.Raw) == 0 {
		return Event{}, fmt.Errorf("stripe identity webhook: a %s event without an id or data", ev.Type)
	}
	var s stripe.IdentityVerificationSession
	if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
		return Event{}, fmt.Errorf("stripe identity webhook: read the VerificationSession of %s: %w", ev.ID, err)
	}
	if s.ID == "" {
		return Event{}, fmt.Errorf("stripe identity webhook: event %s names no VerificationSession", ev.ID)
	}
	// The account may verify people for something else too: sessions the
	// hub did not make are none of its business.
	ref := s.Metadata[MetadataReference]
	if ref == "" {
		return Event{}, fmt.Errorf("%w: stripe VerificationSession %s was not made by naryad", identity.ErrIgnored, s.ID)
	}
	out := Event{ID: ev.ID, Type: string(ev.Type), SessionID: s.ID, Reference: ref, Status: status}
	if ev.Created > 0 {
		out.Created = time.Unix(ev.Created, 0).UTC()
	}
	if s.LastError != nil && (status == identity.RequiresInput || status == identity.Canceled) {
		out.LastErrorCode, out.LastErrorReason = string(s.LastError.Code), s.LastError.Reason
	}
	return out, nil
}

// signedTime is the t= of a Stripe-Signature header that has verified.
// stripe-go reads the last t= when there are several; so does this.
func signedTime(header string) (time.Time, error) {
	var at time.Time
	found := false
	for _, pair := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(pair, "=")
		if k != "t" {
			continue
		}
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, errors.New("the signature's timestamp is not a number")
		}
		at, found = time.Unix(sec, 0), true
	}
	if !found {
		return time.Time{}, errors.New("the signature has no timestamp")
	}
	return at, nil
}
