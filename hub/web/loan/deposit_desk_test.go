package loan_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// onlineDeposits gives the branch a payment provider taking roubles.
func onlineDeposits(t *testing.T, st *store.Store, branchID int64) {
	t.Helper()
	err := st.SaveBranchPayment(context.Background(), &hub.BranchPayment{BranchID: branchID, Provider: hub.ProviderYooKassa,
		Account: "123456", SecretSealed: "sealed", WebhookKey: "desk-test"})
	if err != nil {
		t.Fatal(err)
	}
}

// A branch without a payment provider, in a hub that has payments (the
// demo's Polish branch): the page says the deposit is left at the desk
// and offers no button (its route refuses, the provider never asked);
// once staff record it, the step is done; at the end the page says what
// was kept of it.
func TestDepositAtTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{depositURL: "https://checkout.stripe.com/c/pay/cs_test_a1"}
		e := newEnv(t, st, withFakes(f))
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		if !strings.Contains(page, `id="deposit-desk"`) || strings.Contains(page, `id="deposit-start"`) ||
			!strings.Contains(page, "Залог вносится на стойке сервиса") || !strings.Contains(page, "принимается на стойке") {
			t.Fatalf("want the desk's words, no button:\n%s", snippet(page))
		}
		resp, body := c.Post(c.base+"/deposit", url.Values{})
		wantStatus(t, "deposit online at a desk branch", resp, body, http.StatusConflict, "Залог вносится на стойке сервиса")
		if f.depositCalls != 0 {
			t.Errorf("the provider was asked %d times", f.depositCalls)
		}

		e.change(l.ID, func(l *hub.Loan) { l.DepositStatus = hub.DepositDesk })
		page = c.page(t)
		if !strings.Contains(page, `id="deposit-at-desk"`) || !strings.Contains(page, "✓ Залог внесён на стойке.") ||
			strings.Contains(page, `id="deposit-desk"`) || !strings.Contains(page, `<li class="step done"><span>Залог</span>`) {
			t.Errorf("left at the desk:\n%s", snippet(page))
		}
		e.change(l.ID, func(l *hub.Loan) {
			l.State, l.DepositStatus, l.DepositKeptMinor = hub.LoanWithdrawn, hub.DepositDeskKept, 50000
		})
		if page = c.page(t); !strings.Contains(page, "удержано 500,00") {
			t.Errorf("the end with a part kept:\n%s", snippet(page))
		}
	})
}
