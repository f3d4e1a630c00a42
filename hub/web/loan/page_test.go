package loan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/loanpdf"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The page of an offered loan: the customer's language, the steps in
// order with identity current, the agreement with its id in the signing
// form, and the customer page's security headers.
func TestPageOfAnOfferedLoan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(func(l *hub.Loan) { l.Locale = "pl"; l.DepositMinor, l.DepositCurrency = 50000, "PLN" })
		c := &client{Client: nil, base: "/l/" + token}
		req := httptest.NewRequest(http.MethodGet, c.base, nil)
		req.Header.Set("Accept-Language", "ru") // the loan's language wins: the agreement is in it
		resp, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", resp.StatusCode)
		}
		for header, want := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s = %q, want %q", header, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self'") {
			t.Errorf("CSP %q", csp)
		}
		var cookie *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "nrd_l" {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.Path != c.base || cookie.SameSite != http.SameSiteStrictMode {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, only for the link's path", cookie)
		}

		_, page := e.open(token)
		for _, want := range []string{`lang="pl"`, "Samochód zastępczy", "Škoda Octavia · А 123 ВС 77", "Potwierdź tożsamość", "Podpisz umowę", "Kaucja",
			"Kod do kluczyka pojawi się tutaj", "Ленинский пр-т, 30, Москва", "tel:&#43;74950001122", "Nr rejestracyjny", "6/8", "12 345 km",
			`<li class="step current" aria-current="step"><span>Tożsamość</span>`, `<li class="step todo"><span>Umowa</span>`,
			`<li class="step todo"><span>Kaucja</span>`, `<li class="step todo"><span>Zwrot</span>`} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// The agreement's id: the one a signing must post, shown and in the form.
		d := loanpdf.Agreement{
			Branch:   loanpdf.Branch{Name: e.f.Branch.Name, Address: "Ленинский пр-т, 30, Москва", Phone: "+74950001122"},
			Customer: loanpdf.Customer{FullName: l.CustomerName, Phone: l.CustomerPhone},
			Car:      loanpdf.Car{Plate: e.car.Plate, VIN: e.car.VIN, Model: e.car.Model},
			Zone:     e.f.Branch.Location(), HandoverAt: l.HandoverAt, DueBackAt: l.DueBackAt, FuelEighths: 6, OdometerKm: 12345,
			// No payments in this hub: the deposit is paid at the desk.
			Deposit: &loanpdf.Deposit{Minor: 50000, Currency: "PLN", AtDesk: true},
		}
		id := loanpdf.DocumentID(d, "pl")
		if !strings.Contains(page, `name="document_id" value="`+id+`"`) || !strings.Contains(page, `<span id="document-id">`+id+`</span>`) {
			t.Errorf("page lacks the agreement's id %s", id)
		}
		if !strings.Contains(page, strings.Split(loanpdf.DefaultTerms("pl"), "\n")[0]) {
			t.Error("page lacks the standard terms")
		}
	})
}

// A link nobody was given: 404 in the browser's language (it knows no
// loan), with the page's headers and nothing of any loan.
func TestUnknownLinkIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		_, token := e.offer(nil)
		forged, _ := hub.NewToken()
		for _, c := range []struct{ path, lang, want string }{
			{"/l/" + forged, "pl-PL,pl;q=0.9", "Nie znaleziono linku"},
			{"/l/" + forged, "de-DE", "Link not found"},
			{"/l/" + forged, "ru", "Ссылка не найдена"},
			{"/l/short", "", "Link not found"},
			{"/l/" + token + "x", "", "Link not found"},
			{"/l/" + strings.Repeat("a", 300), "", "Link not found"},
			{"/l/" + forged + "/agreement.pdf", "", "Link not found"},
			{"/l/" + token + "/agreement.pdf", "", "Link not found"}, // not signed yet
		} {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			if c.lang != "" {
				req.Header.Set("Accept-Language", c.lang)
			}
			resp, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, c.want) {
				t.Errorf("GET %s (%s): %d, want 404 with %q:\n%s", c.path, c.lang, resp.StatusCode, c.want, body)
			}
			if strings.Contains(body, e.car.Plate) || strings.Contains(body, e.f.Branch.Name) || strings.Contains(body, "csrf") {
				t.Errorf("GET %s shows something of a loan:\n%s", c.path, body)
			}
			if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s: no security headers", c.path)
			}
		}
		// A POST to a forged link changes nothing and says nothing more.
		req := httptest.NewRequest(http.MethodPost, "/l/"+forged+"/sign", strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := e.app.Test(req, -1); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST to a forged link: %d, want 404", resp.StatusCode)
		}
	})
}

// A form posted without the page's session and CSRF token is refused
// with 403 and changes nothing, on every form of the page.
func TestFormsNeedTheSessionAndItsToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st, withFakes(&fakes{}))
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		before := e.snapshot(l.ID)
		form := signForm(page, "Иван Петров", signaturePNG(t, 600, 200))
		for _, path := range []string{"/sign", "/deposit", "/identity/start"} {
			// No token at all, another session's token, and no cookie.
			for _, csrf := range []string{"", "forged", c.CSRF} {
				client := c.Client
				if csrf == c.CSRF {
					client = apptest.NewAppClient(t, e.app) // the token without its session
				}
				form.Set("csrf", csrf)
				resp, body := client.Do(http.MethodPost, c.base+path, form)
				wantStatus(t, path+" csrf "+csrf, resp, body, http.StatusForbidden, ruExpired)
			}
		}
		c.CSRF = "forged"
		resp, body := c.upload(t, hub.IDPhotoIDFront, "id.jpg", photoJPEG(t, 1))
		wantStatus(t, "photo with a forged token", resp, body, http.StatusForbidden, ruExpired)
		if after := e.snapshot(l.ID); after != before {
			t.Errorf("refused forms changed %+v → %+v", before, after)
		}
	})
}

// The end of a loan is a page of its own: no step, no form.
func TestFinalStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st, withFakes(&fakes{}))
		cases := []struct {
			moves []string
			want  string
		}{
			{[]string{hub.LoanWithdrawn}, "Предложение отозвано"},
			{[]string{hub.LoanRefused}, "Личность не подтверждена"},
			{[]string{hub.LoanOut, hub.LoanReturned}, "Спасибо! Автомобиль возвращён."},
			{[]string{hub.LoanOut, hub.LoanReturned, hub.LoanClosed}, "Спасибо! Автомобиль возвращён."},
		}
		for _, tc := range cases {
			l, token := e.offer(nil)
			for _, to := range tc.moves {
				e.change(l.ID, func(l *hub.Loan) { l.State = to })
			}
			_, page := e.open(token)
			if !strings.Contains(page, tc.want) || strings.Contains(page, "<form") || strings.Contains(page, `id="steps"`) {
				t.Errorf("loan %v: want %q, no forms, no steps:\n%s", tc.moves, tc.want, snippet(page))
			}
			// The car is free for the next case.
			if car, _ := st.CourtesyCar(context.Background(), e.f.Branch.ID, e.car.ID); car.State != hub.CarAvailable {
				moveCarBack(t, st, car)
			}
		}
	})
}

// moveCarBack brings a returned car through cleaning to available.
func moveCarBack(t *testing.T, st *store.Store, car hub.CourtesyCar) {
	t.Helper()
	for _, to := range []string{hub.CarCleaning, hub.CarAvailable} {
		if _, err := st.SetCarState(context.Background(), car.BranchID, car.ID, to, false); err != nil {
			t.Fatal(err)
		}
	}
}
