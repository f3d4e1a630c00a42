package stripepay_test

import (
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"naryad/internal/stripemock"
	"naryad/payments"
	"naryad/payments/stripepay"
)

const (
	testKey    = "sk_test_naryad"
	testWhsec  = "whsec_naryad_test_secret"
	returnURL  = "https://hub.example/c/tok/pay/return"
	sessionsAt = "/v1/checkout/sessions"
)

// newProvider is a provider whose API is the recording proxy in front of
// stripe-mock; edit changes the config first.
func newProvider(t *testing.T, mock *stripemock.Server, edit func(*payments.ProviderConfig)) payments.Provider {
	t.Helper()
	cfg := payments.ProviderConfig{SecretKey: testKey, WebhookSecret: testWhsec, BaseURL: mock.URL, Timeout: 10 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	p, err := stripepay.New(cfg)
	if err != nil {
		t.Fatalf("stripepay.New: %v", err)
	}
	return p
}

// calls returns the recorded requests to path (any method), oldest first.
func calls(mock *stripemock.Server, method, path string) []stripemock.Request {
	var out []stripemock.Request
	for _, r := range mock.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// list is the values of a form array (name[0], name[1], …) in order.
func list(form url.Values, name string) []string {
	var out []string
	for i := 0; ; i++ {
		v, ok := form[name+"["+strconv.Itoa(i)+"]"]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// wantProviderError checks err is a *payments.Error with the temporariness
// and status given.
func wantProviderError(t *testing.T, err error, temporary bool, status int) *payments.Error {
	t.Helper()
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *payments.Error", err, err)
	}
	if pe.Temporary != temporary || pe.Status != status || pe.Provider != "stripe" {
		t.Fatalf("error %+v, want temporary=%v status=%d provider stripe", pe, temporary, status)
	}
	return pe
}
