package loan_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/loan"
)

// A Stripe loan whose branch's online check cannot be used (no settings,
// a key Stripe refuses: ErrIdentityUnavailable) moves to the photos when
// the customer presses the button: the page then asks for the five
// photos, the DMS gets identity_manual, staff a line; the five photos make
// a manual check an advisor can review. A provider merely down leaves the
// loan on Stripe (the customer tries again).
func TestStripeUnavailableMovesToPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{identityErr: errProviderDown, cancelErr: errProviderDown}
		e := newEnv(t, st, withFakes(f))
		// A verification made before the branch's Stripe broke.
		l, token := e.offer(func(l *hub.Loan) { l.IdentityMethod, l.IdentityProviderID = hub.IdentityStripe, "vs_before" })
		c, _ := e.open(token)
		resp, body := c.Post(c.base+"/identity/start", url.Values{})
		wantStatus(t, "provider down", resp, body, http.StatusServiceUnavailable, "Проверка личности сейчас недоступна.")
		if got := e.loan(l.ID); got.IdentityMethod != hub.IdentityStripe {
			t.Fatalf("a provider down moved the loan to %s", got.IdentityMethod)
		}
		before := e.snapshot(l.ID)

		f.identityErr = fmt.Errorf("the online check is not set up: %w", loan.ErrIdentityUnavailable)
		resp, body = c.Post(c.base+"/identity/start", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=identity_moved#identity" {
			t.Fatalf("start with Stripe unusable: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		got := e.loan(l.ID)
		if got.IdentityMethod != hub.IdentityManual || got.IdentityStatus != hub.IdentityPending {
			t.Fatalf("after the move: %s %s", got.IdentityMethod, got.IdentityStatus)
		}
		// The verification it forgot is cancelled, once, after the move; a
		// cancel that fails changes nothing of it.
		if len(f.cancelled) != 1 || f.cancelled[0] != "vs_before" {
			t.Errorf("sessions cancelled: %q, want vs_before", f.cancelled)
		}
		after := e.snapshot(l.ID)
		if after.changes != before.changes+1 || after.messages != before.messages+1 {
			t.Errorf("the move wrote %+v after %+v: want one change and one line", after, before)
		}
		_, page := c.Do(http.MethodGet, c.base+"?ok=identity_moved", nil)
		if strings.Count(page, `name="photo"`) != 5 || strings.Contains(page, `id="identity-start"`) || !strings.Contains(page, "документы проверит сотрудник") {
			t.Fatalf("want the photos and the words:\n%s", snippet(page))
		}
		for i, kind := range hub.IDPhotoKinds() {
			if resp, body := c.upload(t, kind, "p.jpg", photoJPEG(t, i)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("photo %s: %d\n%s", kind, resp.StatusCode, snippet(body))
			}
		}
		if got := e.loan(l.ID); got.IdentityStatus != hub.IdentitySubmitted || got.IdentityMethod != hub.IdentityManual {
			t.Fatalf("after five photos: %s %s", got.IdentityMethod, got.IdentityStatus)
		}
	})
}

// A Stripe branch while the hub has no online check at all: the photos are
// taken, and the check becomes a manual one, which the advisor's card can
// review (it reviews manual checks only).
func TestPhotosOfAStripeLoanWithoutOnlineCheckAreAManualCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(func(l *hub.Loan) { l.IdentityMethod = hub.IdentityStripe })
		c, _ := e.open(token)
		for i, kind := range hub.IDPhotoKinds() {
			if resp, body := c.upload(t, kind, "p.jpg", photoJPEG(t, i)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("photo %s: %d\n%s", kind, resp.StatusCode, snippet(body))
			}
		}
		if got := e.loan(l.ID); got.IdentityStatus != hub.IdentitySubmitted || got.IdentityMethod != hub.IdentityManual {
			t.Fatalf("after five photos: %s %s", got.IdentityMethod, got.IdentityStatus)
		}
	})
}
