package inbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// TestPeekTellsANewCustomerMessageInMyQueue checks the notification's
// question: another branch's thread is 404; a thread of mine names its
// last customer message; one not assigned to me says it is not mine.
func TestPeekTellsANewCustomerMessageInMyQueue(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		peek := func(th hub.Thread) (int, map[string]any) {
			resp, body := anna.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(th.ID, 10)+"/peek", nil)
			var out map[string]any
			if resp.StatusCode == http.StatusOK {
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatalf("peek answered %q: %v", body, err)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("peek of thread %d: Cache-Control %q, want no-store", th.ID, cc)
				}
			}
			return resp.StatusCode, out
		}
		if status, _ := peek(w.b); status != http.StatusNotFound {
			t.Errorf("another branch's thread: status %d, want 404", status)
		}
		quiet := hub.Thread{BranchID: w.a.BranchID, Phone: "+79160000077", Channel: hub.ChannelSMS}
		if err := h.Store.CreateThread(ctx, &quiet); err != nil {
			t.Fatal(err)
		}
		if status, got := peek(quiet); status != http.StatusOK || got["in_id"] != float64(0) {
			t.Errorf("a thread without customer messages: %d %v, want in_id 0", status, got)
		}
		if err := h.Store.AssignThread(ctx, w.a.ID, &w.anna.ID); err != nil {
			t.Fatal(err)
		}
		m, err := h.Store.AddCustomerMessage(ctx, w.a, "Когда можно забрать машину?", hub.ChannelSMS, nil)
		if err != nil {
			t.Fatal(err)
		}
		status, got := peek(w.a)
		if status != http.StatusOK || got["mine"] != true || got["in_id"] != float64(m.ID) || !strings.Contains(got["body"].(string), "забрать машину") {
			t.Errorf("my thread: %d %v, want mine with message %d", status, got, m.ID)
		}
		if err := h.Store.AssignThread(ctx, w.a.ID, &w.boris.ID); err != nil {
			t.Fatal(err)
		}
		if _, got := peek(w.a); got["mine"] != false {
			t.Errorf("boris's thread: %v, want not mine", got)
		}
	})
}

// TestListShowsFilterCountsAndThreadShowsSidePanel checks the pages'
// server side: each filter tab carries its count, and a thread page has
// the list beside it and the customer's side panel.
func TestListShowsFilterCountsAndThreadShowsSidePanel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		_, page := anna.Do(http.MethodGet, "/inbox", nil)
		if !strings.Contains(page, `Активные <span class="n">1</span>`) || !strings.Contains(page, `Решённые <span class="n">0</span>`) {
			t.Errorf("the filter tabs carry no counts:\n%s", page)
		}
		_, page = anna.Do(http.MethodGet, "/inbox/threads/"+strconv.FormatInt(w.a.ID, 10), nil)
		for _, want := range []string{`class="list-pane"`, `li class="thread current`, `<aside class="customer"`, `class="ch ch-sms"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the thread page lacks %s:\n%s", want, page)
			}
		}
	})
}
