package stripeid

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/stripe/stripe-go/v82"

	"naryad/identity"
)

// MetadataReference is the metadata key holding the hub's reference (the
// loan id) on the VerificationSession: how a webhook is known as the
// hub's, and how staff find the session in Stripe's Dashboard.
const MetadataReference = "naryad_reference"

// maxReference bounds a reference: Stripe keeps at most 500 characters per
// metadata value; a loan id is far shorter.
const maxReference = 100

// Start makes a VerificationSession of type document that also requires a
// selfie matching the document's photo, with the reference in its
// metadata and as client_reference_id. The customer comes back to
// ReturnURL whatever happened; the webhook or Fetch tells the outcome.
func (c *check) Start(ctx context.Context, r identity.StartRequest) (identity.Started, error) {
	if err := checkStart(r); err != nil {
		return identity.Started{}, err
	}
	params := &stripe.IdentityVerificationSessionCreateParams{
		Type:              stripe.String(string(stripe.IdentityVerificationSessionTypeDocument)),
		ClientReferenceID: stripe.String(r.Reference),
		Metadata:          map[string]string{MetadataReference: r.Reference},
		ReturnURL:         stripe.String(r.ReturnURL),
		Options: &stripe.IdentityVerificationSessionCreateOptionsParams{
			Document: &stripe.IdentityVerificationSessionCreateOptionsDocumentParams{
				RequireMatchingSelfie: stripe.Bool(true),
			},
		},
	}
	params.SetIdempotencyKey(r.IdempotencyKey)

	ctx, cancel := c.call(ctx)
	defer cancel()
	s, err := c.client.V1IdentityVerificationSessions.Create(ctx, params)
	if err != nil {
		return identity.Started{}, apiError("start", err)
	}
	if s.ID == "" || s.URL == "" {
		return identity.Started{}, &identity.Error{Provider: Name, Op: "start", Message: "the VerificationSession came back without an id or URL"}
	}
	st, err := knownState("start", s)
	if err != nil {
		return identity.Started{}, err
	}
	return identity.Started{ProviderID: s.ID, URL: s.URL, State: st}, nil
}

// checkStart refuses a request Stripe would refuse, or one that would make
// a verification nobody can match to its loan, before asking Stripe.
func checkStart(r identity.StartRequest) error {
	ref := r.Reference
	switch {
	case strings.TrimSpace(ref) == "":
		return refusal("start", "no reference: a webhook could not be matched to its loan")
	case len(ref) > maxReference:
		return refusal("start", fmt.Sprintf("the reference is %d bytes long, at most %d", len(ref), maxReference))
	case strings.IndexFunc(ref, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) }) >= 0:
		return refusal("start", fmt.Sprintf("the reference %q is not printable ASCII", ref))
	case strings.TrimSpace(r.IdempotencyKey) == "":
		return refusal("start", "no idempotency key: a retried start could make a second session")
	}
	u, err := url.Parse(r.ReturnURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return refusal("start", fmt.Sprintf("the return address %q is not an absolute http(s) URL", r.ReturnURL))
	}
	return nil
}
