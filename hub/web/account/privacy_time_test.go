package account

import (
	"context"
	"html"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// The privacy page writes when each answer was given the way the
// visitor's language writes dates and times, on the deployment's clock
// (the seeded branch is in Warsaw: 13:07 UTC in March is 14:07 there).
func TestPrivacyTimesInVisitorLocale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		const phone = "+48601234577"
		seedCustomer(t, st, phone)
		app, h := newTestApp(t, st)
		ck, _ := signIn(t, h, phone)
		at := time.Date(2026, 3, 5, 13, 7, 0, 0, time.UTC)
		if _, err := st.SetConsent(ctx, phone, store.ConsentMarketing, false, store.ConsentFromAccount, at); err != nil {
			t.Fatal(err)
		}
		for locale, want := range map[string]string{"ru": "05.03.2026 14:07", "pl": "05.03.2026 14:07", "en": "5 Mar 2026, 14:07"} {
			req := httptest.NewRequest("GET", "/account/privacy", nil)
			req.Header.Set("Accept-Language", locale)
			req.AddCookie(ck)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			body := html.UnescapeString(string(b))
			// Once on the answer, once in its history.
			if resp.StatusCode != 200 || strings.Count(body, want) != 2 || strings.Contains(body, "UTC") {
				t.Errorf("%s: %d, want %q twice and no UTC in\n%s", locale, resp.StatusCode, want, body)
			}
		}
	})
}
