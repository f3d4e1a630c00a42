package inbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
)

// TestInboxWarnsOfAWhatsAppNumberThatCannotSend: advisors see on the inbox
// that a number of their branch was unlinked, banned or taken over, since
// its customers now get SMS; a connected or briefly disconnected number
// raises nothing.
func TestInboxWarnsOfAWhatsAppNumberThatCannotSend(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		accounts := map[string]func(id int64) error{
			"up": func(id int64) error {
				_, err := h.Store.SetWAAccountState(ctx, id, hub.WAConnected, "", nil)
				return err
			},
			"flaky": func(id int64) error {
				_, err := h.Store.SetWAAccountState(ctx, id, hub.WADisconnected, "", nil)
				return err
			},
			"gone": func(id int64) error { return h.Store.SetWAUnlinked(ctx, id, hub.WALoggedOut, "removed on the phone") },
			"old": func(id int64) error {
				_, err := h.Store.SetWAAccountState(ctx, id, hub.WAOutdated, "405", nil)
				return err
			},
			"naughty": func(id int64) error {
				until := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)
				_, err := h.Store.SetWAAccountState(ctx, id, hub.WABanned, "101", &until)
				return err
			},
		}
		for name, set := range accounts {
			a := hub.WAAccount{BranchID: h.Branch.ID, Name: name}
			if err := h.Store.CreateWAAccount(ctx, &a); err != nil {
				t.Fatal(err)
			}
			if err := set(a.ID); err != nil {
				t.Fatal(err)
			}
		}
		resp, page := anna.Do(http.MethodGet, "/inbox", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("inbox: %d", resp.StatusCode)
		}
		for _, want := range []string{
			"WhatsApp «gone» was unlinked from its phone",
			"WhatsApp refuses this naryad version for «old»: upgrade naryad",
			"WhatsApp «naughty» is banned until 03.12 12:30", // the branch's time, Moscow
		} {
			if !strings.Contains(page, want) {
				t.Errorf("inbox lacks %q", want)
			}
		}
		for _, quiet := range []string{"«up»", "«flaky»"} {
			if strings.Contains(page, quiet) {
				t.Errorf("inbox warns about %s", quiet)
			}
		}
	})
}
