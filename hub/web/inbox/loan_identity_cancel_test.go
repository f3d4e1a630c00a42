package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/hub"
	"naryad/internal/stripemock"
)

const sessionsAt = "/v1/identity/verification_sessions"

// cancelCalls counts the cancel calls of session id stripe-mock received.
func cancelCalls(mock *stripemock.Server, id string) int {
	n := 0
	for _, r := range mock.Requests() {
		if r.Method == http.MethodPost && r.Path == sessionsAt+"/"+id+"/cancel" {
			n++
		}
	}
	return n
}

// The advisor moves a Stripe check to photos: once the move is stored, the
// customer's Stripe verification is cancelled at Stripe (its page would
// take a document nobody reads). A Stripe that fails the cancel changes
// nothing of the move: it is only logged.
func TestIdentityByPhotosCancelsTheStripeSession(t *testing.T) {
	mock := stripemock.Start(t) // one for both databases: each run's sessions are its own
	run := 0
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		set, err := h.Store.LoanSettings(ctx, w.a.BranchID)
		if err != nil {
			t.Fatal(err)
		}
		set.IdentityMethod = hub.IdentityStripe
		if err := h.Store.SetLoanSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		if err := h.Server.Identity().Configure(ctx, w.a.BranchID, hub.IdentitySetup{SecretKey: "sk_test_inbox", WebhookSecret: "whsec_inbox"}); err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		anna.Lang = "en"
		run++
		l := w.offer(t, anna)
		move := func(session string) hub.Loan {
			t.Helper()
			l, err := h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
				x.IdentityMethod, x.IdentityStatus, x.IdentityProviderID = hub.IdentityStripe, hub.IdentityPending, session
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			mock.Patch(http.MethodGet, sessionsAt+"/"+session, map[string]any{"id": session, "status": "requires_input"})
			resp, page := post(anna, fmt.Sprintf("%s/loans/%d/identity/manual", w.url, l.ID), "version", version(l))
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("by photos: %d\n%s", resp.StatusCode, page)
			}
			got, _ := h.Store.Loan(ctx, l.ID)
			if got.IdentityMethod != hub.IdentityManual || got.IdentityProviderID != "" {
				t.Fatalf("after the move: %+v", got)
			}
			return got
		}

		session := fmt.Sprintf("vs_inbox_%d_1", run)
		move(session)
		if n := cancelCalls(mock, session); n != 1 {
			t.Errorf("%d cancels of the Stripe session, want 1", n)
		}

		// Again (as if the loan were on Stripe anew) with a cancel Stripe
		// refuses: the move stands.
		failing := fmt.Sprintf("vs_inbox_%d_2", run)
		mock.Fail(http.MethodPost, sessionsAt+"/"+failing+"/cancel", http.StatusInternalServerError, "api_error", "down")
		move(failing)
		if n := cancelCalls(mock, failing); n == 0 {
			t.Error("the second session's cancel was not tried")
		}
	}, func(c *cli.Config) { c.StripeBaseURL = mock.URL })
}
