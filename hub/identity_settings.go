package hub

import "time"

// BranchIdentity is a branch's online identity check (Stripe Identity, for
// the courtesy car's loan): the provider's account and the webhook
// endpoint the hub reads the outcome from. The secrets are sealed
// (Sealer) as stored. The check is used when the branch's loan settings
// ask for it (LoanSettings.IdentityMethod).
type BranchIdentity struct {
	BranchID int64
	Provider string // IdentityStripe
	// SecretSealed is the branch's own API key for identity checks,
	// sealed; empty: the secret key of the branch's Stripe payment
	// settings (BranchPayment), the same Stripe account.
	SecretSealed string
	// WebhookSealed is the signing secret (whsec_…) of the identity
	// webhook endpoint, sealed. It is never the payments endpoint's: the
	// provider signs each endpoint with a secret of its own.
	WebhookSealed string
	WebhookKey    string // the random last part of the endpoint's address
	UpdatedAt     time.Time
}

// TableName is the identity settings' table.
func (BranchIdentity) TableName() string { return "branch_identity_settings" }

// IdentitySetup is what an admin sets for a branch's online identity
// check. The secrets are in clear here and sealed when stored; an empty
// secret keeps the stored one, and OwnKeyOff drops the branch's own key
// (back to the payment settings' key).
type IdentitySetup struct {
	SecretKey     string // sk_… or rk_…; "" keeps the stored one
	WebhookSecret string // whsec_…; "" keeps the stored one
	OwnKeyOff     bool
}
