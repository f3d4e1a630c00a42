package unsubscribe_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/unsubscribe"
)

const secret = "test-secret-0123456789-0123456789-0123456789"

// serve starts the page on a real socket and returns its base URL.
func serve(t *testing.T, st *store.Store, tokens *hub.Unsubscribes) string {
	t.Helper()
	h, err := unsubscribe.New(st, tokens, unsubscribe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	h.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func do(t *testing.T, method, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// customer stores a Polish customer with two phones.
func customer(t *testing.T, st *store.Store) (int64, []string) {
	t.Helper()
	f := storetest.NewFixture(t, st)
	phones := []string{"+48601000011", "+48601000012"}
	id, err := st.UpsertCustomer(t.Context(), store.CustomerData{NodeID: f.Node.ID, ExternalID: "K-9", Name: "Anna", Locale: "pl", Phones: phones})
	if err != nil {
		t.Fatal(err)
	}
	return id, phones
}

func changes(t *testing.T, st *store.Store, phones []string) int {
	t.Helper()
	n := 0
	for _, p := range phones {
		h, err := st.ConsentHistory(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		n += len(h)
	}
	return n
}

// GET asks in the customer's language; the one-click POST (15 at once,
// as a mail client retrying) refuses the purpose once on every phone,
// without cookie or CSRF token; a POST without the one-click body is a
// 400 and changes nothing.
func TestOneClickUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		tokens, _ := hub.NewUnsubscribes(secret, "http://unused")
		base := serve(t, st, tokens)
		id, phones := customer(t, st)
		target := base + hub.UnsubscribePath + tokens.Token(id, store.ConsentReminders)

		status, page := do(t, http.MethodGet, target, "")
		if status != http.StatusOK || !strings.Contains(page, `lang="pl"`) || !strings.Contains(page, "Wypisz się") ||
			!strings.Contains(page, `name="List-Unsubscribe" value="One-Click"`) {
			t.Fatalf("GET %d:\n%s", status, page)
		}
		if n := changes(t, st, phones); n != 0 {
			t.Fatalf("GET changed %d consents", n)
		}
		if status, page := do(t, http.MethodPost, target, "x=1"); status != http.StatusBadRequest || changes(t, st, phones) != 0 {
			t.Fatalf("POST without one-click: %d:\n%s", status, page)
		}

		body := url.Values{"List-Unsubscribe": {"One-Click"}}.Encode()
		var wg sync.WaitGroup
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if status, page := do(t, http.MethodPost, target, body); status != http.StatusOK || !strings.Contains(page, "Gotowe") {
					t.Errorf("POST %d:\n%s", status, page)
				}
			}()
		}
		wg.Wait()
		if n := changes(t, st, phones); n != len(phones) {
			t.Fatalf("15 POSTs made %d consent changes, want one per phone (%d)", n, len(phones))
		}
		for _, p := range phones {
			if denied, err := st.ConsentDenied(t.Context(), p, store.ConsentReminders); err != nil || !denied {
				t.Fatalf("%s: denied %v, %v", p, denied, err)
			}
		}
	})
}

// A forged, cut or foreign token, an unknown purpose, or a customer who
// does not exist is a 404 and changes nothing.
func TestUnsubscribeForgedToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		tokens, _ := hub.NewUnsubscribes(secret, "http://unused")
		other, _ := hub.NewUnsubscribes(strings.Repeat("x", 40), "http://unused")
		base := serve(t, st, tokens)
		id, phones := customer(t, st)
		good := tokens.Token(id, store.ConsentReminders)
		body := url.Values{"List-Unsubscribe": {"One-Click"}}.Encode()
		for _, tok := range []string{
			good[:len(good)-1] + "0", good[:len(good)-2], other.Token(id, store.ConsentReminders),
			tokens.Token(id+1000, store.ConsentReminders), tokens.Token(id, "everything"), "1-reminders-00", "%00",
		} {
			for _, m := range []string{http.MethodGet, http.MethodPost} {
				if status, _ := do(t, m, base+hub.UnsubscribePath+tok, body); status != http.StatusNotFound {
					t.Errorf("%s %q: %d, want 404", m, tok, status)
				}
			}
		}
		if n := changes(t, st, phones); n != 0 {
			t.Fatalf("forged tokens changed %d consents", n)
		}
	})
}
