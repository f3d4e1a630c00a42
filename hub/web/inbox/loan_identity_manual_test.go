package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// A loan checked by Stripe at a branch whose Stripe cannot be used: the
// advisor moves it to the photos. The loan is then a manual check from the
// start (the Stripe verification forgotten), the customer is told, the DMS
// gets identity_manual. A check Stripe is processing, one moved already, a
// stale card are refused (409) and change nothing.
func TestIdentityByPhotosInstead(t *testing.T) {
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
		anna := w.signIn(t, "anna")
		anna.Lang = "en"
		l := w.offer(t, anna)
		if l.IdentityMethod != hub.IdentityStripe {
			t.Fatalf("method %s", l.IdentityMethod)
		}
		manual := fmt.Sprintf("%s/loans/%d/identity/manual", w.url, l.ID)

		// Stripe is checking what the customer sent: not now.
		l, err = h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
			x.IdentityStatus, x.IdentityProviderID = hub.IdentityProcessing, "vs_123"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_, page := anna.Do(http.MethodGet, w.url, nil)
		if strings.Contains(page, manual) {
			t.Error("the card offers the photos while Stripe is processing")
		}
		before := w.counts(t)
		resp, page := post(anna, manual, "version", version(l))
		wantCarRefusal(t, "while processing", resp, page, http.StatusConflict, "The check cannot move to photos now")

		// The try failed: the customer is back at pending, with the error.
		l, err = h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
			x.IdentityStatus, x.IdentityError = hub.IdentityPending, "document_unverified_other"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, `action="`+manual+`"`) || !strings.Contains(page, "Check identity by photos instead") {
			t.Error("the card does not offer the photos for a failed Stripe try")
		}
		stale := l
		stale.Version--
		resp, page = post(anna, manual, "version", version(stale))
		wantCarRefusal(t, "a stale card", resp, page, http.StatusConflict, "The loan changed while you were looking")
		resp, page = post(anna, manual)
		wantCarRefusal(t, "no version", resp, page, http.StatusBadRequest, "The form was not filled in correctly")
		if after := w.counts(t); after.changes != before.changes || after.audit != before.audit || after.outbox != before.outbox {
			t.Fatalf("refused moves wrote: %+v after %+v", after, before)
		}

		l, _ = h.Store.Loan(ctx, l.ID)
		resp, page = post(anna, manual, "version", version(l))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("by photos: %d\n%s", resp.StatusCode, page)
		}
		got, _ := h.Store.Loan(ctx, l.ID)
		if got.IdentityMethod != hub.IdentityManual || got.IdentityStatus != hub.IdentityPending || got.IdentityProviderID != "" || got.IdentityError != "" {
			t.Fatalf("after the move: %+v", got)
		}
		if ev := w.loanEvents(t); ev[len(ev)-1] != hub.LoanEventIdentityManual {
			t.Errorf("events %v", ev)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanIdentityManual {
			t.Errorf("line %q", line.TextKey)
		}
		if o := w.lastOutbox(t); !strings.Contains(o.Body, "онлайн-проверка личности недоступна") {
			t.Errorf("the customer's message %q", o.Body)
		}
		resp, page = post(anna, manual, "version", version(got))
		wantCarRefusal(t, "moved already", resp, page, http.StatusConflict, "The check cannot move to photos now")
	})
}
