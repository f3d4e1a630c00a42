package dms_test

import (
	"context"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// withPhone gives the work order's customer another number (and id).
func withPhone(ev map[string]any, customerID, phone string) map[string]any {
	c := ev["work_order"].(map[string]any)["customer"].(map[string]any)
	c["external_id"], c["phones"] = customerID, []any{phone}
	return ev
}

// TestNewThreadChannel: a new work order's thread runs on WhatsApp when its
// branch has an account that can send and no recent check found the number
// off WhatsApp; otherwise on SMS. An existing thread keeps its channel.
func TestNewThreadChannel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		expectChannel := func(t *testing.T, number, want string) {
			t.Helper()
			th := h.Thread(t, number)
			if th.Channel != want {
				t.Fatalf("%s: thread channel = %s, want %s", number, th.Channel, want)
			}
			msgs, err := h.Store.Messages(ctx, th.ID)
			if err != nil || len(msgs) == 0 {
				t.Fatalf("%s: messages %v %v", number, msgs, err)
			}
			if item, err := h.Store.OutboxByMessage(ctx, msgs[0].ID); err != nil || item.Channel != want {
				t.Fatalf("%s: first message queued %+v %v, want on %s", number, item, err, want)
			}
		}

		// No WhatsApp account at the branch: SMS.
		expectResults(t, h, batch(workOrder("c1", "ЗН-1", 1, "В работе")), "applied")
		expectChannel(t, "ЗН-1", hub.ChannelSMS)

		acc := hub.WAAccount{BranchID: h.Branch.ID, Name: "msk-main"}
		if err := h.Store.CreateWAAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.SetWAAccountState(ctx, acc.ID, hub.WAConnected, "", nil); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for phone, at := range map[string]time.Time{"+79160000002": now.Add(-time.Hour), "+79160000003": now.Add(-40 * 24 * time.Hour)} {
			if err := h.Store.SaveWAContactCheck(ctx, store.WAContactCheck{Phone: phone, OnWhatsApp: false, CheckedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		// One batch: a number never checked, one found off WhatsApp an hour
		// ago, one found off long ago (worth trying again), and a new
		// version of the first work order.
		expectResults(t, h, batch(
			withPhone(workOrder("c2", "ЗН-2", 1, "В работе"), "C-2", "+79160000001"),
			withPhone(workOrder("c3", "ЗН-3", 1, "В работе"), "C-3", "+79160000002"),
			withPhone(workOrder("c4", "ЗН-4", 1, "В работе"), "C-4", "+79160000003"),
			workOrder("c5", "ЗН-1", 2, "Готов"),
		), "applied", "applied", "applied", "applied")
		expectChannel(t, "ЗН-2", hub.ChannelWhatsApp)
		expectChannel(t, "ЗН-3", hub.ChannelSMS)
		expectChannel(t, "ЗН-4", hub.ChannelWhatsApp)
		expectChannel(t, "ЗН-1", hub.ChannelSMS) // existing threads keep theirs

		// The only account logged out: new threads go back to SMS.
		if _, err := h.Store.SetWAAccountState(ctx, acc.ID, hub.WALoggedOut, "", nil); err != nil {
			t.Fatal(err)
		}
		expectResults(t, h, batch(withPhone(workOrder("c6", "ЗН-6", 1, "В работе"), "C-6", "+79160000006")), "applied")
		expectChannel(t, "ЗН-6", hub.ChannelSMS)
	})
}
