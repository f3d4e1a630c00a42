package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// An admin sets the branch's online identity check on the courtesy cars
// page: the webhook signing secret (write-only: the page says "stored",
// never the secret) and the address to paste into Stripe; a bad paste is
// refused in the admin's language with nothing stored; every change is
// audited without a secret; an advisor may not.
func TestAdminSetsTheIdentityCheck(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		path := fmt.Sprintf("/admin/branches/%d/loaners", h.Branch.ID)
		a := signIn(t, h, "root", store.RoleAdmin)
		_, page := a.Do(http.MethodGet, path, nil)
		wantPage(t, page, `id="loan-identity"`, "Webhook signing secret: <b>not set</b>", "API key: <b>none")
		if strings.Contains(page, `id="identity-webhook-url"`) {
			t.Fatalf("a webhook address before any settings")
		}

		const key, whsec = "sk_test_identitykey", "whsec_identity_secret_1"
		resp, body := a.Post(path+"/identity", url.Values{"webhook_secret": {whsec}, "secret_key": {key}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done=settings" {
			t.Fatalf("save: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		bi, err := h.Store.BranchIdentity(ctx, h.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, page = a.Do(http.MethodGet, path, nil)
		wantPage(t, page, "Webhook signing secret: <b>stored</b>", "API key: <b>the branch&#39;s own key</b>",
			"/api/identity/stripe/"+bi.WebhookKey+"</pre>", "identity.verification_session.verified", `placeholder="keep the stored one"`)
		if strings.Contains(page, key) || strings.Contains(page, whsec) {
			t.Fatalf("the page shows a secret")
		}

		for _, r := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"webhook_secret": {"sk_live_nope"}}, "the webhook signing secret must start with whsec_"},
			{url.Values{"secret_key": {"pk_test_nope"}}, "Identity check settings not saved:"},
			{url.Values{"secret_key": {key + " " + key}}, "one word of printable Latin characters, at most 512"},
			{url.Values{"own_key_off": {"1"}}, "no API key: type one, or set up Stripe online payments"},
		} {
			resp, body := a.Post(path+"/identity", r.form)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, r.want) {
				t.Errorf("POST %v: %d, want 400 with %q", r.form, resp.StatusCode, r.want)
			}
		}
		if after, _ := h.Store.BranchIdentity(ctx, h.Branch.ID); after != bi {
			t.Fatalf("a refused save changed %+v", after)
		}

		advisor := signIn(t, h, "anna", store.RoleAdvisor)
		if resp, _ := advisor.Post(path+"/identity", url.Values{"webhook_secret": {"whsec_x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor POST: %d", resp.StatusCode)
		}
		if resp, _ := a.Post("/admin/branches/9999/loaners/identity", url.Values{"webhook_secret": {"whsec_x"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown branch: %d", resp.StatusCode)
		}

		log, err := h.Store.AuditLog(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range log {
			if strings.HasPrefix(e.Detail, "loan_identity_set") {
				details = append(details, e.Detail)
			}
		}
		if len(details) != 1 || details[0] != "loan_identity_set provider=stripe secret_key=new webhook_secret=new" {
			t.Fatalf("audit %v", details)
		}
	})
}

// Without the identity service in the process the section is read-only
// and a save is refused with nothing stored.
func TestIdentityCheckReadOnlyWithoutService(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		path := fmt.Sprintf("/admin/branches/%d/loaners", h.Branch.ID)
		a := payAdmin(t, h, nil, "root", store.RoleAdmin)
		_, page := a.Do(http.MethodGet, path, nil)
		wantPage(t, page, `id="identity-unavailable"`)
		if strings.Contains(page, `id="loan-identity"`) {
			t.Fatalf("a form without the service")
		}
		resp, body := a.Post(path+"/identity", url.Values{"webhook_secret": {"whsec_x"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "read-only") {
			t.Fatalf("save without the service: %d", resp.StatusCode)
		}
		if _, err := h.Store.BranchIdentity(context.Background(), h.Branch.ID); err == nil {
			t.Fatalf("stored without the service")
		}
	})
}
