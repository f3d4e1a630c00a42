package loan_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/loan"
)

// The deposit: a button to the provider's page while it is asked (again
// after a failed hold), a tick once held, the desk's words when the hub
// takes no deposits online, nothing when none is asked.
func TestDeposit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{depositURL: "https://checkout.stripe.com/c/pay/cs_test_a1"}
		e := newEnv(t, st, withFakes(f))
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		onlineDeposits(t, st, l.BranchID)
		c, page := e.open(token)
		if !strings.Contains(page, `id="deposit-start"`) || !strings.Contains(page, "1 500,00") {
			t.Fatalf("want the deposit's amount and button:\n%s", snippet(page))
		}
		if csp := e.get(t, c.base).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https:") {
			t.Errorf("with providers the form may lead to their pages: CSP %q", csp)
		}
		resp, body := c.Post(c.base+"/deposit", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != f.depositURL {
			t.Fatalf("deposit: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		if f.depositReturn != testPublicURL+"/l/"+token {
			t.Errorf("return URL %q", f.depositReturn)
		}
		f.depositErr = errProviderDown
		resp, body = c.Post(c.base+"/deposit", url.Values{})
		wantStatus(t, "provider down", resp, body, http.StatusServiceUnavailable, "Не удалось открыть страницу оплаты.")
		f.depositErr = nil

		e.change(l.ID, func(l *hub.Loan) { l.DepositStatus = hub.DepositFailed })
		page = c.page(t)
		if !strings.Contains(page, `id="deposit-failed"`) || !strings.Contains(page, `id="deposit-start"`) {
			t.Errorf("failed hold: want the failure and the button:\n%s", snippet(page))
		}
		e.change(l.ID, func(l *hub.Loan) { l.DepositStatus = hub.DepositHeld })
		page = c.page(t)
		if !strings.Contains(page, "✓ Залог заблокирован на карте.") || strings.Contains(page, `id="deposit-start"`) ||
			!strings.Contains(page, `<li class="step done"><span>Залог</span>`) {
			t.Errorf("held:\n%s", snippet(page))
		}
		calls := f.depositCalls
		resp, body = c.Post(c.base+"/deposit", url.Values{})
		wantStatus(t, "deposit when held", resp, body, http.StatusConflict, "Залог сейчас не требуется.")
		if f.depositCalls != calls {
			t.Error("the provider was asked for a deposit already held")
		}

		// No deposit asked: no step, no section, no button.
		e.change(l.ID, func(l *hub.Loan) { l.State = hub.LoanWithdrawn })
		_, token = e.offer(nil)
		c, page = e.open(token)
		if strings.Contains(page, `id="deposit"`) || strings.Contains(page, "<span>Залог</span>") {
			t.Errorf("a loan without deposit shows one:\n%s", snippet(page))
		}
		resp, body = c.Post(c.base+"/deposit", url.Values{})
		wantStatus(t, "deposit when none is asked", resp, body, http.StatusConflict, "Залог сейчас не требуется.")
	})
}

// Without online deposits the page says the branch will call, and the
// button's route refuses.
func TestDepositWithoutProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		_, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		if !strings.Contains(page, `id="deposit-desk"`) || strings.Contains(page, `id="deposit-start"`) {
			t.Fatalf("want the desk's words, no button:\n%s", snippet(page))
		}
		if csp := e.get(t, c.base).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self';") {
			t.Errorf("without providers forms post only to the page: CSP %q", csp)
		}
		resp, body := c.Post(c.base+"/deposit", url.Values{})
		wantStatus(t, "deposit without a provider", resp, body, http.StatusConflict, "Залог сейчас не требуется.")
	})
}

// The key: nothing until the loan is ready (the locker is not even
// asked); then the code, big, with the locker and its address; the desk
// when the branch has no locker; "soon" while the key is not in it.
func TestKeyCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{pickup: loan.KeyCode{Code: "482913", SiteName: "Ключница у входа", Address: "Ленинский пр-т, 30",
			ExpiresAt: time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)}}
		e := newEnv(t, st, withFakes(f))
		l, token := e.offer(nil)
		c, page := e.open(token)
		if !strings.Contains(page, `id="key-wait"`) || strings.Contains(page, "482913") || f.pickupCalls != 0 {
			t.Fatalf("a loan not ready: want the wait and no call (%d calls):\n%s", f.pickupCalls, snippet(page))
		}
		// Signed but identity not verified: still not ready.
		at := e.now
		e.change(l.ID, func(l *hub.Loan) { l.SignedAt, l.SignedName = &at, "Иван Петров" })
		if page = c.page(t); strings.Contains(page, "482913") || f.pickupCalls != 0 {
			t.Fatalf("a signed loan without identity shows the code")
		}
		e.ready(l.ID)
		page = c.page(t)
		for _, want := range []string{`<p class="code" id="pickup-code">482913</p>`, "Ключница у входа", "Ленинский пр-т, 30", "Код действует до 07.12.2026 21:00.",
			`<li class="step current" aria-current="step"><span>Ключ</span>`} {
			if !strings.Contains(page, want) {
				t.Errorf("ready loan's page lacks %q", want)
			}
		}
		// The locker keeps only the code's hash: shown once, then "sent".
		f.mu.Lock()
		f.pickup.Code = ""
		f.mu.Unlock()
		if page = c.page(t); !strings.Contains(page, `id="key-sent"`) || strings.Contains(page, `id="key-error"`) || !strings.Contains(page, "Ключница у входа") {
			t.Errorf("a code issued before: want «sent to you» with the locker:\n%s", snippet(page))
		}
		f.pickupErr = loan.ErrNoLocker
		if page = c.page(t); !strings.Contains(page, `id="key-desk"`) || strings.Contains(page, "482913") {
			t.Errorf("no locker: want the desk:\n%s", snippet(page))
		}
		f.pickupErr = loan.ErrKeyNotInLocker
		if page = c.page(t); !strings.Contains(page, `id="key-soon"`) {
			t.Errorf("key not in the locker: want soon:\n%s", snippet(page))
		}
		f.pickupErr = errProviderDown
		if page = c.page(t); !strings.Contains(page, `id="key-error"`) {
			t.Errorf("locker side down: want the error in words:\n%s", snippet(page))
		}
	})
}

// Without a key locker in the hub the key is at the desk.
func TestKeyWithoutLocker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		e.ready(l.ID)
		_, page := e.open(token)
		if !strings.Contains(page, `id="key-desk"`) || !strings.Contains(page, "Ленинский пр-т, 30, Москва") {
			t.Errorf("want the desk with the branch's address:\n%s", snippet(page))
		}
		e.change(l.ID, func(l *hub.Loan) { l.State = hub.LoanOut })
		_, page = e.open(token)
		if !strings.Contains(page, `id="return-desk"`) {
			t.Errorf("out without a locker: want the desk:\n%s", snippet(page))
		}
	})
}

// The car is out: when it is due back (and whether that has passed), and
// the drop-off code for the key or the desk.
func TestReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		f := &fakes{back: loan.KeyCode{Code: "771204", SiteName: "Ключница у входа", Address: "Ленинский пр-т, 30"}}
		e := newEnv(t, st, withFakes(f))
		l, token := e.offer(nil)
		e.ready(l.ID)
		e.change(l.ID, func(l *hub.Loan) { l.State = hub.LoanOut })
		c, page := e.open(token)
		for _, want := range []string{`<strong id="due-back">09.12.2026 14:30</strong>`, `<p class="code" id="return-code">771204</p>`, "Ключница у входа",
			`<li class="step done"><span>Ключ</span>`, `<li class="step current" aria-current="step"><span>Возврат</span>`} {
			if !strings.Contains(page, want) {
				t.Errorf("out loan's page lacks %q", want)
			}
		}
		// The only forms are the car's return photos and reading (carphotos.go).
		if strings.Contains(page, `id="overdue"`) || strings.Count(page, "<form") != strings.Count(page, `action="`+c.base+`/car/`) {
			t.Errorf("a loan out in time: no overdue, no forms but the car's photos:\n%s", snippet(page))
		}
		e.now = l.DueBackAt.Add(time.Hour)
		if page = c.page(t); !strings.Contains(page, `id="overdue"`) {
			t.Errorf("past the due time: want overdue:\n%s", snippet(page))
		}
		f.backErr = loan.ErrNoLocker
		if page = c.page(t); !strings.Contains(page, `id="return-desk"`) || strings.Contains(page, "771204") {
			t.Errorf("no locker: want the desk:\n%s", snippet(page))
		}
	})
}

// get sends a GET with no session.
func (e *env) get(t *testing.T, path string) *http.Response {
	t.Helper()
	resp, err := e.app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
