package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub/store"
)

// The payments service's refusals of a provider's settings come to a
// Polish admin in Polish, their blanks filled, never in the English of
// the log; nothing is stored.
func TestPaymentSettingsRefusalsSpeakTheAdminsLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		b := signIn(t, h, "root", store.RoleAdmin)
		b.Lang = "pl"
		path := fmt.Sprintf("/admin/branches/%d/payments", h.Branch.ID)
		for _, c := range []struct {
			form          url.Values
			want, english string
		}{
			{url.Values{"provider": {"yookassa"}, "secret-key": {"live_abc"}},
				"YooKassa wymaga identyfikatora sklepu (cyfry, z panelu YooKassa).", "needs the shop id"},
			{url.Values{"provider": {"stripe"}, "account": {"123"}, "secret-key": {"sk_test_abc"}},
				"Stripe nie potrzebuje identyfikatora sklepu: zostaw to pole puste.", "needs no shop id"},
			{url.Values{"provider": {"stripe"}, "methods": {"card,bl!k"}, "secret-key": {"sk_test_abc"}},
				"Metoda płatności &#34;bl!k&#34;: tylko litery łacińskie, cyfry i _, np. card,blik,p24.", "letters, digits and _ only"},
			{url.Values{"provider": {"stripe"}, "secret-key": {"sk_test a"}},
				"Sekret to jedno słowo o długości najwyżej 512 znaków", "A secret is one word"},
			{url.Values{"provider": {"yookassa"}, "account": {"123456"}, "secret-key": {"live_abc"}, "vat-code": {"13"}},
				"Kod VAT to liczba od 1 do 12 (0 — bez paragonu fiskalnego).", "The VAT code is"},
		} {
			resp, page := b.Post(path, c.form)
			apptest.WantRefused(t, resp, page, c.want)
			if strings.Contains(page, c.english) {
				t.Errorf("%v: English %q on a Polish page", c.form, c.english)
			}
		}
		if _, err := h.Store.BranchPayment(context.Background(), h.Branch.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("refused settings were stored: %v", err)
		}
	})
}
