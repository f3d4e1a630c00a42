package loan_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Back from Stripe's page before the webhook: the page asks the provider
// (Identity.Refresh) and shows "being checked" with the poll, not the
// start button; the poll answers the state; a provider that fails leaves
// the page usable (200, the button) and is logged.
func TestBackFromStripeBeforeTheWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{refreshTo: hub.IdentityProcessing}
		e := newEnv(t, st, withFakes(f))
		l, token := e.offer(func(l *hub.Loan) { l.IdentityMethod = hub.IdentityStripe })

		// No verification yet: nothing to ask.
		c, page := e.open(token)
		if f.refreshCalls != 0 || !strings.Contains(page, `id="identity-start"`) {
			t.Fatalf("no verification: %d refreshes\n%s", f.refreshCalls, snippet(page))
		}

		e.change(l.ID, func(x *hub.Loan) { x.IdentityProviderID = "vs_back" })
		page = c.page(t)
		if f.refreshCalls != 1 {
			t.Fatalf("%d refreshes, want 1", f.refreshCalls)
		}
		if !strings.Contains(page, `id="identity-processing"`) || strings.Contains(page, `id="identity-start"`) ||
			!strings.Contains(page, `data-poll="/l/`+token+`/identity/status"`) || !strings.Contains(page, "Страница обновится сама") {
			t.Fatalf("back before the webhook: want the wait with the poll, no button:\n%s", snippet(page))
		}

		resp, body := c.Do(http.MethodGet, c.base+"/identity/status", nil)
		var got struct{ Status, State string }
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || got.Status != hub.IdentityProcessing {
			t.Fatalf("status: %d %s", resp.StatusCode, body)
		}
		if f.refreshCalls != 2 {
			t.Fatalf("the poll did not ask the provider (%d refreshes)", f.refreshCalls)
		}
		// Another browser (no session of the page) learns nothing.
		other := apptest.NewAppClient(t, e.app)
		if resp, _ := other.Do(http.MethodGet, c.base+"/identity/status", nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status without the session: %d", resp.StatusCode)
		}

		// Stripe does not answer: the page is still there, with its button.
		f.refreshTo, f.refreshErr = "", errProviderDown
		page = c.page(t)
		if !strings.Contains(page, `id="identity-start"`) {
			t.Fatalf("provider down: want the button:\n%s", snippet(page))
		}
		if !strings.Contains(e.log.String(), "could not be read back") {
			t.Error("the failed refresh was not logged")
		}
	})
}
