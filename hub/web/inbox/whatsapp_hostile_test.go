package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp/watest"
)

// What an outsider can send to the WhatsApp parts of the inbox: a quote of
// anything that is not a customer message of the thread, typing for a
// thread they cannot see, a burst of typing. Each ends in a clear answer
// and nothing sent that should not be.
func TestInboxWhatsAppRefusesHostileInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.Store, b storetest.Backend) {
		ctx := context.Background()
		w := newWAHub(t, b)
		w.h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		w.h.PushWorkOrder(t, "e2", "АА-2", 1, "Принят", nil)
		th, other := w.h.Thread(t, "АА-1"), w.h.Thread(t, "АА-2")
		w.sentAndRecorded(t, th.ID)
		foreign := hub.Message{ThreadID: other.ID, Direction: hub.DirectionIn, Body: "чужое", Author: "Иван"}
		if err := w.h.Store.AddMessage(ctx, &foreign); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/inbox/threads/%d", th.ID)

		// The page ignores a quote it cannot show.
		for _, q := range []string{"abc", "-1", "99999999999999999999999", strconv.FormatInt(foreign.ID, 10)} {
			resp, page := w.advisor.Do(http.MethodGet, base+"?quote="+q, nil)
			if resp.StatusCode != http.StatusOK || strings.Contains(page, `name="reply_to"`) {
				t.Fatalf("?quote=%s: %d, quoted: %v", q, resp.StatusCode, strings.Contains(page, `name="reply_to"`))
			}
		}
		before, msgs := len(w.phone.Sent()), len(w.messages(t, th.ID))
		for _, q := range []string{"abc", "0", "-5", "99999999999999999999999", "1e3", strconv.FormatInt(foreign.ID, 10)} {
			resp, _ := w.advisor.Post(base+"/messages", url.Values{"text": {"Не уйдёт"}, "reply_to": {q}})
			if loc := resp.Header.Get("Location"); resp.StatusCode >= 500 || loc != base+"?err=not_quotable" {
				t.Fatalf("reply_to=%q: %d %q", q, resp.StatusCode, loc)
			}
		}
		if resp, page := w.advisor.Post(base+"/messages", url.Values{"text": {"Не уйдёт"}, "reply_to": {"1\x002"}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "reply_to") {
			t.Fatalf("reply_to with a NUL: %d %s", resp.StatusCode, page)
		}
		if len(w.phone.Sent()) != before || len(w.messages(t, th.ID)) != msgs {
			t.Fatal("a refused quote sent or stored a message")
		}

		// Typing: an SMS thread says nothing to WhatsApp; a burst is one
		// chat state; another branch's staff cannot reach the thread.
		for range 15 {
			if resp, _ := w.advisor.Post(base+"/typing", url.Values{"state": {"composing"}}); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("typing: %d", resp.StatusCode)
			}
		}
		watest.Eventually(t, "typing shown", func() bool { return len(w.phone.ChatStates()) > 0 })
		if n := len(w.phone.ChatStates()); n != 1 {
			t.Fatalf("15 typings made %d chat states", n)
		}
		far := hub.Branch{Code: "SPB1", Name: "СПб", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := w.h.Store.CreateBranch(ctx, &far); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.AddUser(ctx, w.h.Store, staff.NewUser{Login: "spb", Name: "СПб", Role: store.RoleAdvisor,
			Password: password, BranchIDs: []int64{far.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		spb := w.h.NewClient(t).SignIn("spb", password)
		for _, path := range []string{base + "/typing", "/inbox/threads/99999999999999999999/typing", "/inbox/threads/abc/typing"} {
			if resp, _ := spb.Post(path, url.Values{"state": {"composing"}}); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("%s from another branch: %d", path, resp.StatusCode)
			}
		}
	})
}

func (w *waHub) messages(t *testing.T, threadID int64) []hub.Message {
	t.Helper()
	msgs, err := w.h.Store.Messages(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
