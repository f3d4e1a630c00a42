package admin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/admin"
)

// fakePayments stands in for the payments service: it stores the
// settings as the service would (a secret left empty keeps the stored
// one; the webhook key is picked once) with "sealed:" in front of a
// secret, and names the webhook address by the key. err, when set, is the
// answer instead.
type fakePayments struct {
	st       *store.Store
	mu       sync.Mutex
	setups   []hub.PaymentSetup
	disabled []int64
	err      error
}

func (f *fakePayments) Configure(ctx context.Context, branchID int64, s hub.PaymentSetup) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setups = append(f.setups, s)
	if f.err != nil {
		return f.err
	}
	bp := hub.BranchPayment{BranchID: branchID, WebhookKey: fmt.Sprintf("wk%d", branchID)}
	if prev, err := f.st.BranchPayment(ctx, branchID); err == nil {
		bp = prev
	}
	bp.Provider, bp.Account, bp.Methods, bp.VATCode, bp.TaxSystem = s.Provider, s.Account, s.Methods, s.VATCode, s.TaxSystem
	if s.SecretKey != "" {
		bp.SecretSealed = "sealed:" + s.SecretKey
	}
	if s.WebhookSecret != "" {
		bp.WebhookSealed = "sealed:" + s.WebhookSecret
	}
	return f.st.SaveBranchPayment(ctx, &bp)
}

func (f *fakePayments) Disable(ctx context.Context, branchID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disabled = append(f.disabled, branchID)
	if f.err != nil {
		return f.err
	}
	return f.st.DeleteBranchPayment(ctx, branchID)
}

func (f *fakePayments) WebhookURL(ctx context.Context, branchID int64) (string, error) {
	bp, err := f.st.BranchPayment(ctx, branchID)
	if err != nil {
		return "", err
	}
	return "https://hub.example.test/api/payments/" + bp.Provider + "/" + bp.WebhookKey, nil
}

func (f *fakePayments) calls() ([]hub.PaymentSetup, []int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hub.PaymentSetup(nil), f.setups...), append([]int64(nil), f.disabled...)
}

// userError is how the service words a refusal for people.
type userError string

func (e userError) Error() string       { return string(e) }
func (e userError) UserMessage() string { return string(e) }

// payAdmin mounts the admin pages on the hub's store with payments (nil:
// none) and signs a user in, keeping the settings page's form token.
func payAdmin(t *testing.T, h *apptest.Hub, p admin.Payments, login, role string) *browser {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	staffPages, err := staff.New(h.Store, staff.Options{Secret: h.Config.Secret, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	adminPages, err := admin.New(h.Store, staffPages.RequireStaff, admin.Options{Logger: log, Payments: p})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	staffPages.Register(app)
	adminPages.Register(app)
	if _, err := h.Store.UserByLogin(context.Background(), login); err != nil {
		if _, err := staff.AddUser(context.Background(), h.Store, staff.NewUser{Login: login, Name: login, Role: role, Password: password,
			BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	b := apptest.NewAppClient(t, app)
	b.Lang = "en" // the words these tests expect are English
	_, page := b.Do(http.MethodGet, "/login", nil)
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page:\n%s", page)
	}
	if resp, _ := b.Do(http.MethodPost, "/login", url.Values{"login": {login}, "password": {password}, "csrf": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if _, page = b.Do(http.MethodGet, "/admin", nil); csrfInput.MatchString(page) {
		b.CSRF = csrfInput.FindStringSubmatch(page)[1]
	}
	return b
}

func wantPage(t *testing.T, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q:\n%s", w, page)
		}
	}
}

// An admin sets a branch's provider: the service gets the settings with
// the secrets typed, the page shows the webhook address and never a
// secret; secrets left empty are kept; off turns it off; every change is
// audited without a secret.
func TestPaymentSettingsPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		fake := &fakePayments{st: h.Store}
		path := fmt.Sprintf("/admin/branches/%d/payments", h.Branch.ID)
		advisor := payAdmin(t, h, fake, "anna", store.RoleAdvisor)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			if resp, _ := advisor.Do(m, path, url.Values{"provider": {"stripe"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("advisor %s: %d", m, resp.StatusCode)
			}
		}
		root := payAdmin(t, h, fake, "root", store.RoleAdmin)
		_, page := root.Do(http.MethodGet, "/admin/branches", nil)
		wantPage(t, page, `<a href="`+path+`">settings</a>`)
		resp, page := root.Do(http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		wantPage(t, page, "Online payments are <b>off</b> at this branch", `<option value="off" selected>`, `name="secret-key" type="password"`,
			`<a href="/admin/branches" aria-current="page">Branches</a>`)

		// Refused in the page: nothing reaches the service.
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"provider": {"paypal"}}, "provider: off, stripe or yookassa"},
			{url.Values{"provider": {"yookassa"}, "vat-code": {"x"}}, "VAT code: a whole number"},
			{url.Values{"provider": {"yookassa"}, "tax-system": {"-1"}}, "tax system: a whole number"},
		} {
			resp, page := root.Post(path, c.form)
			apptest.WantRefused(t, resp, page, c.want)
		}
		if setups, _ := fake.calls(); len(setups) != 0 {
			t.Fatalf("the service got refused settings: %+v", setups)
		}
		// Refused by the service, in its words; the form keeps what was typed.
		fake.err = fmt.Errorf("configure: %w", userError("The secret key must start with sk_ or rk_."))
		resp, page = root.Post(path, url.Values{"provider": {"stripe"}, "secret-key": {"pk_test_1"}, "methods": {"card,blik"}})
		apptest.WantRefused(t, resp, page, "The secret key must start with sk_ or rk_.")
		wantPage(t, page, `<option value="stripe" selected>`, `name="methods" value="card,blik"`)
		fake.err = errors.New("sealer: cipher: message authentication failed")
		resp, page = root.Post(path, url.Values{"provider": {"stripe"}, "secret-key": {"sk_test_1"}})
		if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(page, "Not saved: something went wrong") || strings.Contains(page, "cipher") {
			t.Errorf("internal failure: %d\n%s", resp.StatusCode, page)
		}
		fake.err = nil
		if n := audits(t, h, store.AuditAdminChanged); n != 0 {
			t.Fatalf("%d audit rows after refusals", n)
		}

		resp, page = root.Post(path, url.Values{"provider": {"stripe"}, "account": {""}, "secret-key": {" sk_test_51Secret "},
			"webhook-secret": {"whsec_Secret2"}, "methods": {"card,blik"}, "vat-code": {""}, "tax-system": {""}})
		root.WantRedirect(resp, page, path+"?done=payments", "The payment settings were saved.")
		setups, _ := fake.calls()
		want := hub.PaymentSetup{Provider: hub.ProviderStripe, SecretKey: "sk_test_51Secret", WebhookSecret: "whsec_Secret2", Methods: "card,blik"}
		if last := setups[len(setups)-1]; last != want {
			t.Fatalf("service got %+v, want %+v", last, want)
		}
		_, page = root.Do(http.MethodGet, path, nil)
		wantPage(t, page, "through <b>Stripe</b>", "A secret key is stored, a webhook signing secret is stored.",
			`<pre id="webhook-url">https://hub.example.test/api/payments/stripe/wk`, "checkout.session.completed",
			`<option value="stripe" selected>`, `placeholder="stored — leave empty to keep it"`, `name="methods" value="card,blik"`)
		if strings.Contains(page, "51Secret") || strings.Contains(page, "Secret2") || strings.Contains(page, "sealed:") {
			t.Errorf("the page shows a secret:\n%s", page)
		}

		// Empty secrets keep the stored ones; the shop id and codes change.
		resp, page = root.Post(path, url.Values{"provider": {"yookassa"}, "account": {"123456"}, "secret-key": {""},
			"webhook-secret": {""}, "methods": {""}, "vat-code": {"4"}, "tax-system": {"2"}})
		root.WantRedirect(resp, page, path+"?done=payments", "through <b>YooKassa</b> (shop 123456)")
		setups, _ = fake.calls()
		if last := setups[len(setups)-1]; last != (hub.PaymentSetup{Provider: hub.ProviderYooKassa, Account: "123456", VATCode: 4, TaxSystem: 2}) {
			t.Fatalf("service got %+v", last)
		}
		bp, err := h.Store.BranchPayment(ctx, h.Branch.ID)
		if err != nil || bp.SecretSealed != "sealed:sk_test_51Secret" {
			t.Fatalf("stored %+v %v", bp, err)
		}

		resp, page = root.Post(path, url.Values{"provider": {"off"}, "secret-key": {"ignored"}})
		root.WantRedirect(resp, page, path+"?done=payments-off", "Online payments are <b>off</b> at this branch")
		if _, disabled := fake.calls(); len(disabled) != 1 || disabled[0] != h.Branch.ID {
			t.Fatalf("disabled %v", disabled)
		}

		log, err := h.Store.AuditLog(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for i := len(log) - 1; i >= 0; i-- {
			if log[i].Action == store.AuditAdminChanged && log[i].Subject == "branch MSK1" {
				details = append(details, log[i].Detail)
			}
		}
		wantAudit := []string{
			`payments_set provider=stripe account="" methods="card,blik" vat_code=0 tax_system=0 secret_key=new webhook_secret=new`,
			`payments_set provider=yookassa account="123456" methods="" vat_code=4 tax_system=2 secret_key=kept webhook_secret=kept`,
			`payments_off`,
		}
		if fmt.Sprint(details) != fmt.Sprint(wantAudit) {
			t.Errorf("audit\n got %q\nwant %q", details, wantAudit)
		}

		for _, p := range []string{"/admin/branches/999999/payments", "/admin/branches/abc/payments", "/admin/branches/0/payments"} {
			if resp, _ := root.Do(http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
			if resp, _ := root.Post(p, url.Values{"provider": {"stripe"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d", p, resp.StatusCode)
			}
		}
		if resp, _ := root.Do(http.MethodPost, path, url.Values{"provider": {"off"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("without csrf: %d", resp.StatusCode)
		}
	})
}

// Without the payments service the page shows the settings read-only and
// refuses changes.
func TestPaymentSettingsReadOnlyWithoutService(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		err := h.Store.SaveBranchPayment(context.Background(), &hub.BranchPayment{BranchID: h.Branch.ID, Provider: hub.ProviderYooKassa,
			Account: "123456", SecretSealed: "x", WebhookKey: "wk", VATCode: 4})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/branches/%d/payments", h.Branch.ID)
		root := payAdmin(t, h, nil, "root", store.RoleAdmin)
		_, page := root.Do(http.MethodGet, path, nil)
		wantPage(t, page, "Online payments are off in this process", "through <b>YooKassa</b> (shop 123456)", "VAT code: 4.")
		if strings.Contains(page, `method="post" action="`+path) || strings.Contains(page, "webhook-url") {
			t.Errorf("the read-only page offers changes:\n%s", page)
		}
		resp, page := root.Post(path, url.Values{"provider": {"off"}})
		apptest.WantRefused(t, resp, page, "nothing can be changed here")
		if _, err := h.Store.BranchPayment(context.Background(), h.Branch.ID); err != nil {
			t.Errorf("the settings changed: %v", err)
		}
	})
}
