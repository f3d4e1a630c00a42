package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// The one-click unsubscribe goes through the whole HTTP stack (body gate,
// form-input rule, no session or CSRF guard in its way): a mail client's
// POST without cookies is answered 200 and refuses the customer's
// reminders; a forged token is a 404.
func TestUnsubscribeThroughTheHub(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		id, err := h.Store.UpsertCustomer(ctx, store.CustomerData{NodeID: h.Node.ID, ExternalID: "U-1", Name: "Иван", Phones: []string{"+79160000001"}})
		if err != nil {
			t.Fatal(err)
		}
		tokens, err := hub.NewUnsubscribes(h.Config.Secret, h.Config.PublicURL)
		if err != nil {
			t.Fatal(err)
		}
		post := func(path string) (int, string) {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9") // the DMS sent no language: the browser's
			resp := h.Do(t, req)
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		u := tokens.URL(id, store.ConsentReminders)
		path := strings.TrimPrefix(u, h.Config.PublicURL)
		if status, _ := post(path[:len(path)-1] + "x"); status != http.StatusNotFound {
			t.Fatalf("forged: %d, want 404", status)
		}
		resp := h.Do(t, httptest.NewRequest(http.MethodGet, path, nil))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("GET: %d %v", resp.StatusCode, resp.Header)
		}
		if status, page := post(path); status != http.StatusOK || !strings.Contains(page, "Готово") {
			t.Fatalf("POST: %d\n%s", status, page)
		}
		if out, err := h.Store.CustomerOptedOut(ctx, id); err != nil || !out {
			t.Fatalf("opted out %v, %v", out, err)
		}
	})
}
