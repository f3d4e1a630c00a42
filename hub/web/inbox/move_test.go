package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

func moveAudits(t *testing.T, h *apptest.Hub) int64 {
	t.Helper()
	var n int64
	if err := h.Store.Gorm(context.Background()).Table("audit_log").Where("action = ?", store.AuditMoveMessage).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMoveMessageToAnotherWorkOrder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		h.PushWorkOrder(t, "e3", "ЗН-3", 1, "В работе", nil)
		other := h.Thread(t, "ЗН-3")
		in, err := h.Store.AddCustomerMessage(ctx, w.a, "А что со второй машиной?", hub.ChannelWhatsApp, nil)
		if err != nil {
			t.Fatal(err)
		}
		note := hub.Message{ThreadID: w.a.ID, Direction: hub.DirectionNote, Body: "внутреннее"}
		if err := h.Store.AddMessage(ctx, &note); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "misha", Name: "Миша", Role: store.RoleMechanic,
			Password: password, BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		moveURL := func(m int64) string { return fmt.Sprintf("%s/messages/%d/move", base, m) }

		_, page := anna.Do(http.MethodGet, base, nil)
		if !strings.Contains(page, `action="`+moveURL(in.ID)+`"`) {
			t.Fatal("a customer message offers no move form")
		}
		if strings.Contains(page, `action="`+moveURL(note.ID)+`"`) {
			t.Fatal("a note offers to move")
		}

		refused := []struct {
			name     string
			who      *browser
			path     string
			number   string
			status   int
			location string
		}{
			{"a note", anna, moveURL(note.ID), "ЗН-3", http.StatusSeeOther, base + "?err=not_customer_message"},
			{"unknown number", anna, moveURL(in.ID), "ЗН-404", http.StatusSeeOther, base + "?err=unknown_order"},
			{"work order of another branch", anna, moveURL(in.ID), "ЗН-2", http.StatusSeeOther, base + "?err=unknown_order"},
			{"its own work order", anna, moveURL(in.ID), "ЗН-1", http.StatusSeeOther, base + "?err=same_order"},
			{"a message of another thread", anna, moveURL(w.bFailed.ID), "ЗН-3", http.StatusNotFound, ""},
			{"another branch's advisor", w.signIn(t, "oleg"), moveURL(in.ID), "ЗН-3", http.StatusNotFound, ""},
			{"a mechanic", w.signIn(t, "misha"), moveURL(in.ID), "ЗН-3", http.StatusForbidden, ""},
		}
		for _, r := range refused {
			t.Run(r.name, func(t *testing.T) {
				resp, _ := post(r.who, r.path, "work_order", r.number)
				if resp.StatusCode != r.status || resp.Header.Get("Location") != r.location {
					t.Fatalf("%d %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), r.status, r.location)
				}
			})
		}
		if m, _ := h.Store.Message(ctx, in.ID); m.ThreadID != w.a.ID {
			t.Fatal("a refused move moved the message")
		}
		if n := moveAudits(t, h); n != 0 {
			t.Fatalf("%d move audits after refusals", n)
		}
		if _, page := anna.Do(http.MethodGet, base+"?err=same_order", nil); !strings.Contains(page, "already") {
			t.Error("the refusal is not explained on the page")
		}

		resp, _ := post(anna, moveURL(in.ID), "work_order", " ЗН-3 ")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base {
			t.Fatalf("move: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if m, _ := h.Store.Message(ctx, in.ID); m.ThreadID != other.ID {
			t.Fatalf("message is in thread %d, want %d", m.ThreadID, other.ID)
		}
		if n := moveAudits(t, h); n != 1 {
			t.Fatalf("%d move audits, want 1", n)
		}
		for _, th := range []hub.Thread{w.a, other} {
			msgs, err := h.Store.Messages(ctx, th.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := msgs[len(msgs)-1]
			if last.Direction != hub.DirectionSystem || !strings.Contains(last.Body, "moved") {
				t.Errorf("thread %d ends with %+v, want the move noted", th.ID, last)
			}
		}
		_, page = anna.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", other.ID), nil)
		if !strings.Contains(page, "А что со второй машиной?") {
			t.Error("the target thread does not show the moved message")
		}
	})
}
