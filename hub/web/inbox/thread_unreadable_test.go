package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// A WhatsApp message not decrypted yet shows in the thread as a stand-in,
// in the reader's language, until the message fills it.
func TestThreadShowsAnUnreadableWhatsAppMessage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		acc := hub.WAAccount{BranchID: h.Branch.ID, Name: "main"}
		if err := h.Store.CreateWAAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		standIn, err := h.Store.AddWAInbound(ctx, store.WAInbound{AccountID: acc.ID, Chat: "79031112233@s.whatsapp.net",
			WAID: "3EB0U1", Thread: w.a, Direction: hub.DirectionIn, Author: "customer", Unreadable: true})
		if err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		path := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		for lang, want := range map[string]string{
			"en": "A message could not be read yet",
			"ru": "Сообщение пока не удалось прочитать",
			"pl": "Wiadomości nie udało się jeszcze odczytać",
		} {
			anna.Lang = lang
			resp, page := anna.Do(http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
				t.Fatalf("%s thread page (%d) lacks %q", lang, resp.StatusCode, want)
			}
		}
		if _, err := h.Store.FillWAUnreadable(ctx, standIn.ID, store.WAInbound{AccountID: acc.ID,
			Chat: "79031112233@s.whatsapp.net", WAID: "3EB0U1", Body: "Можно в пять?"}); err != nil {
			t.Fatal(err)
		}
		anna.Lang = "en"
		_, page := anna.Do(http.MethodGet, path, nil)
		if strings.Contains(page, "could not be read yet") || !strings.Contains(page, "Можно в пять?") {
			t.Fatal("the filled message still shows as unreadable, or not at all")
		}
	})
}
