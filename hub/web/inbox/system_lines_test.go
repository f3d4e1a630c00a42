package inbox_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// A system line written in a Russian branch reads in the viewer's
// language on the thread page and in the inbox list's preview: an old
// English line (keyed at start-up) and a line written with a key today.
func TestSystemLinesReadInTheViewersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		old := hub.Message{ThreadID: w.a.ID, Direction: hub.DirectionSystem, Author: "customer",
			Body: "Customer declined «Замена колодок» (1800.00)"}
		if err := h.Store.AddMessage(ctx, &old); err != nil {
			t.Fatal(err)
		}
		if n, err := h.Store.KeyOldSystemLines(ctx); err != nil || n != 1 {
			t.Fatalf("keyed %d old lines: %v", n, err)
		}
		locker := hub.SystemLine(w.a.ID, "locker", templates.SysLockerEvent,
			map[string]string{"site": "Север", "box": "1", "what_key": templates.SysLockerOpenedDropOff})
		if err := h.Store.AddMessage(ctx, &locker); err != nil {
			t.Fatal(err)
		}
		thread := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		cases := []struct {
			lang             string
			decision, locked string
		}{
			{"pl-PL,pl;q=0.9", "Klient odrzucił «Замена колодок» (1 800,00)", "Skrytka «Север», schowek 1: drzwiczki otwarte do zostawienia kluczy."},
			{"ru-RU,ru;q=0.9", "Клиент отказался от «Замена колодок» (1 800,00)", "Постамат «Север», ячейка 1: дверца открыта, чтобы оставить ключи."},
			{"en-GB", "Customer declined «Замена колодок» (1,800.00)", "Locker «Север», box 1: door opened for a drop-off."},
		}
		for _, c := range cases {
			anna := w.signIn(t, "anna")
			anna.Lang = c.lang
			resp, page := anna.Do(http.MethodGet, thread, nil)
			page = html.UnescapeString(page)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, c.decision) || !strings.Contains(page, c.locked) {
				t.Errorf("%s thread page (%d) lacks %q or %q", c.lang, resp.StatusCode, c.decision, c.locked)
			}
			if c.lang != "en-GB" && (strings.Contains(page, "Customer declined") || strings.Contains(page, "door opened")) {
				t.Errorf("%s thread page still shows the English line", c.lang)
			}
			resp, list := anna.Do(http.MethodGet, "/inbox", nil)
			if list = html.UnescapeString(list); resp.StatusCode != http.StatusOK || !strings.Contains(list, c.locked) {
				t.Errorf("%s inbox list (%d) does not preview %q", c.lang, resp.StatusCode, c.locked)
			}
		}
	})
}
