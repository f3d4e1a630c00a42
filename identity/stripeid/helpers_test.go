package stripeid_test

import (
	"errors"
	"testing"
	"time"

	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
)

const (
	testKey    = "sk_test_naryad"
	testWhsec  = "whsec_naryad_identity_secret"
	returnURL  = "https://hub.example/c/tok/loan/7/identity"
	sessionsAt = "/v1/identity/verification_sessions"
)

// newCheck is a Stripe Identity whose API is the recording proxy in front
// of stripe-mock; edit changes the config first.
func newCheck(t *testing.T, mock *stripemock.Server, edit func(*stripeid.Config)) identity.Check {
	t.Helper()
	cfg := stripeid.Config{SecretKey: testKey, BaseURL: mock.URL, Timeout: 10 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	c, err := stripeid.New(cfg)
	if err != nil {
		t.Fatalf("stripeid.New: %v", err)
	}
	return c
}

// calls returns the recorded requests of method to path, oldest first.
func calls(mock *stripemock.Server, method, path string) []stripemock.Request {
	var out []stripemock.Request
	for _, r := range mock.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// wantCheckError checks err is an *identity.Error with the temporariness
// and status given.
func wantCheckError(t *testing.T, err error, temporary bool, status int) *identity.Error {
	t.Helper()
	var e *identity.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *identity.Error", err, err)
	}
	if e.Temporary != temporary || e.Status != status || e.Provider != "stripe" {
		t.Fatalf("error %+v, want temporary=%v status=%d provider stripe", e, temporary, status)
	}
	return e
}

func loan7() identity.StartRequest {
	return identity.StartRequest{Reference: "7", IdempotencyKey: "loan-7-identity-1", ReturnURL: returnURL}
}
