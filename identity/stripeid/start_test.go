package stripeid_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/identity"
	"naryad/identity/stripeid"
	"naryad/internal/stripemock"
)

func TestStartAsksForADocumentWithAMatchingSelfie(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	// stripe-mock's fixture is a finished session without a URL; a new
	// one from Stripe waits for input and has its hosted page.
	mock.Patch(http.MethodPost, sessionsAt, map[string]any{
		"id": "vs_loan7", "url": "https://verify.stripe.com/start/test_abc", "status": "requires_input",
		"client_reference_id": "7", "metadata": map[string]any{"naryad_reference": "7"}, "last_error": nil,
	})

	got, err := c.Start(context.Background(), loan7())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	want := identity.Started{ProviderID: "vs_loan7", URL: "https://verify.stripe.com/start/test_abc",
		State: identity.State{Status: identity.RequiresInput, Reference: "7", URL: "https://verify.stripe.com/start/test_abc"}}
	if got != want {
		t.Fatalf("Start =\n %+v\nwant\n %+v", got, want)
	}

	sent := calls(mock, http.MethodPost, sessionsAt)
	if len(sent) != 1 {
		t.Fatalf("%d session creates, want 1", len(sent))
	}
	f, h := sent[0].Form, sent[0].Header
	wantForm := map[string]string{
		"type": "document",
		"options[document][require_matching_selfie]": "true",
		"metadata[naryad_reference]":                 "7",
		"client_reference_id":                        "7",
		"return_url":                                 returnURL,
	}
	for k, v := range wantForm {
		if f.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, f.Get(k), v)
		}
	}
	if h.Get("Idempotency-Key") != "loan-7-identity-1" {
		t.Errorf("Idempotency-Key = %q, want the request's", h.Get("Idempotency-Key"))
	}
	if h.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("Authorization = %q", h.Get("Authorization"))
	}
}

func TestStartRefusesAnAnswerWithoutAPage(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	// stripe-mock's own fixture has "url": null.
	_, err := c.Start(context.Background(), loan7())
	if e := wantCheckError(t, err, false, 0); !strings.Contains(e.Message, "without an id or URL") {
		t.Fatalf("a session without a URL: %v", err)
	}

	mock.Patch(http.MethodPost, sessionsAt, map[string]any{"url": "https://verify.stripe.com/start/x", "status": "being_reviewed"})
	_, err = c.Start(context.Background(), loan7())
	if e := wantCheckError(t, err, false, 0); e.Code != "unknown_status" || !strings.Contains(e.Message, "being_reviewed") {
		t.Fatalf("a status the hub does not know: %v", err)
	}
}

func TestStartRefusesBadRequestsWithoutAskingStripe(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	cases := map[string]func(*identity.StartRequest){
		"no reference":          func(r *identity.StartRequest) { r.Reference = " " },
		"long reference":        func(r *identity.StartRequest) { r.Reference = strings.Repeat("7", 101) },
		"reference with NUL":    func(r *identity.StartRequest) { r.Reference = "7\x00" },
		"non-ASCII reference":   func(r *identity.StartRequest) { r.Reference = "займ-7" },
		"no idempotency key":    func(r *identity.StartRequest) { r.IdempotencyKey = "" },
		"relative return URL":   func(r *identity.StartRequest) { r.ReturnURL = "/c/tok/loan/7" },
		"javascript return URL": func(r *identity.StartRequest) { r.ReturnURL = "javascript:alert(1)" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			r := loan7()
			edit(&r)
			_, err := c.Start(context.Background(), r)
			if e := wantCheckError(t, err, false, 0); e.Code != "invalid_request" {
				t.Errorf("code %q", e.Code)
			}
		})
	}
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("%d calls reached Stripe, want none", n)
	}
}

func TestStartSaysWhetherTryingAgainHelps(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)

	mock.Fail(http.MethodPost, sessionsAt, http.StatusUnauthorized, "", "Invalid API Key provided: sk_test_****")
	_, err := c.Start(context.Background(), loan7())
	if e := wantCheckError(t, err, false, http.StatusUnauthorized); !strings.Contains(e.Message, "Invalid API Key") {
		t.Errorf("message %q", e.Message)
	}

	// An account that has not activated Identity in the Dashboard.
	mock.Fail(http.MethodPost, sessionsAt, http.StatusBadRequest, "", "Your account is not activated for Stripe Identity.")
	_, err = c.Start(context.Background(), loan7())
	if e := wantCheckError(t, err, false, http.StatusBadRequest); !strings.Contains(e.Error(), "not activated for Stripe Identity") {
		t.Errorf("error %q", e.Error())
	}

	mock.Fail(http.MethodPost, sessionsAt, http.StatusTooManyRequests, "rate_limit", "Too many requests")
	_, err = c.Start(context.Background(), loan7())
	wantCheckError(t, err, true, http.StatusTooManyRequests)

	// Stripe's own trouble: stripe-go tries again with the same key, which
	// makes no second session.
	before := len(calls(mock, http.MethodPost, sessionsAt))
	mock.Fail(http.MethodPost, sessionsAt, http.StatusInternalServerError, "", "Stripe is down")
	_, err = c.Start(context.Background(), loan7())
	wantCheckError(t, err, true, http.StatusInternalServerError)
	tries := calls(mock, http.MethodPost, sessionsAt)[before:]
	if len(tries) == 0 {
		t.Fatal("no try reached Stripe")
	}
	for _, r := range tries {
		if r.Header.Get("Idempotency-Key") != "loan-7-identity-1" {
			t.Fatalf("a try sent Idempotency-Key %q", r.Header.Get("Idempotency-Key"))
		}
	}
}

func TestStartGivesUpAfterTheTimeout(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, func(cfg *stripeid.Config) { cfg.Timeout = 300 * time.Millisecond })
	mock.Stall(http.MethodPost, sessionsAt)
	started := time.Now()
	_, err := c.Start(context.Background(), loan7())
	if e := wantCheckError(t, err, true, 0); !strings.Contains(e.Message, "no answer in time") {
		t.Errorf("message %q, want it to say Stripe did not answer in time", e.Message)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Fatalf("Start took %s with a 300 ms timeout", took)
	}
}

func TestNewChecksTheSettings(t *testing.T) {
	for name, cfg := range map[string]stripeid.Config{
		"no key":             {},
		"publishable key":    {SecretKey: "pk_live_abc"},
		"webhook secret":     {SecretKey: "whsec_abc"},
		"API address":        {SecretKey: "sk_live_abc", BaseURL: "127.0.0.1:12111"},
		"API address scheme": {SecretKey: "sk_live_abc", BaseURL: "ftp://stripe.example"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := stripeid.New(cfg); err == nil {
				t.Fatalf("New(%+v) took it", cfg)
			} else if strings.Contains(err.Error(), "abc") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
	for _, cfg := range []stripeid.Config{{SecretKey: "sk_live_abc"}, {SecretKey: "rk_test_abc"}, {SecretKey: " sk_test_abc\n"}} {
		c, err := stripeid.New(cfg)
		if err != nil {
			t.Fatalf("New(%+v): %v", cfg, err)
		}
		if c.Name() != "stripe" {
			t.Fatalf("Name() = %q", c.Name())
		}
	}
}
