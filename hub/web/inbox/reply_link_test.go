package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// TestReplyCarriesTheLinkOnlyOnSMS: an SMS customer needs the page link to
// answer; a WhatsApp customer answers in WhatsApp, so the reply is the
// advisor's words alone.
func TestReplyCarriesTheLinkOnlyOnSMS(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		// With a connected account at the branch, a new work order's
		// thread runs on WhatsApp.
		acc := hub.WAAccount{BranchID: h.Branch.ID, Name: "msk-main"}
		if err := h.Store.CreateWAAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.SetWAAccountState(ctx, acc.ID, hub.WAConnected, "", nil); err != nil {
			t.Fatal(err)
		}
		h.PushWorkOrder(t, "e3", "ЗН-3", 1, "В работе", nil)
		wa := h.Thread(t, "ЗН-3")
		if wa.Channel != hub.ChannelWhatsApp || w.a.Channel != hub.ChannelSMS {
			t.Fatalf("channels: %s and %s, want whatsapp and sms", wa.Channel, w.a.Channel)
		}
		anna := w.signIn(t, "anna")
		for _, tc := range []struct {
			th       hub.Thread
			number   string
			withLink bool
		}{{w.a, "ЗН-1", true}, {wa, "ЗН-3", false}} {
			base := fmt.Sprintf("/inbox/threads/%d", tc.th.ID)
			if resp, _ := post(anna, base+"/messages", "text", "Сегодня к 18:00"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("reply on %s: %d", tc.th.Channel, resp.StatusCode)
			}
			msgs, err := h.Store.Messages(ctx, tc.th.ID)
			if err != nil {
				t.Fatal(err)
			}
			reply := msgs[len(msgs)-1]
			want := "Сегодня к 18:00"
			if tc.withLink {
				want += "\n" + h.Config.PublicURL + h.CustomerPath(t, tc.number)
			}
			item, err := h.Store.OutboxByMessage(ctx, reply.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The thread keeps the link masked; the outbox row, until sent, the real one.
			if reply.Body != hub.MaskLinks(want) || item.Channel != tc.th.Channel || item.Body != want {
				t.Fatalf("%s reply %q (outbox %s %q), want %q", tc.th.Channel, reply.Body, item.Channel, item.Body, want)
			}
		}
	})
}
