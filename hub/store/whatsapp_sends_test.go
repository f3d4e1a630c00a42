package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// waSendRig is the fixture with an account and a queued WhatsApp message.
func waSendRig(t *testing.T, s *store.Store) (storetest.Fixture, hub.WAAccount, hub.Message) {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, s)
	a := hub.WAAccount{BranchID: f.Branch.ID, Name: "main"}
	if err := s.CreateWAAccount(ctx, &a); err != nil {
		t.Fatal(err)
	}
	m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelWhatsApp,
		Recipient: f.Thread.Phone, Body: "Машина готова", TemplateKey: "status.ready"})
	if err != nil {
		t.Fatal(err)
	}
	return f, a, m
}

func TestWASendIDsAndDailyCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		_, a, m := waSendRig(t, s)
		if a.DailySends != store.DefaultWADailySends {
			t.Fatalf("new account's daily sends = %d, want %d", a.DailySends, store.DefaultWADailySends)
		}
		first, err := s.PlanWASend(ctx, m.ID, 0, a.ID, "3EB0AAA")
		if err != nil || first.WAID != "3EB0AAA" || first.SentAt != nil {
			t.Fatalf("plan = %+v %v", first, err)
		}
		again, err := s.PlanWASend(ctx, m.ID, 0, a.ID, "3EB0BBB")
		if err != nil || again.WAID != "3EB0AAA" {
			t.Fatalf("second plan = %+v %v, want the stored id", again, err)
		}
		if _, err := s.PlanWASend(ctx, m.ID, 1, a.ID, ""); err == nil {
			t.Fatal("an empty id was planned")
		}
		second, err := s.PlanWASend(ctx, m.ID, 1, a.ID, "3EB0CCC")
		if err != nil || second.WAID != "3EB0CCC" {
			t.Fatalf("part 1 = %+v %v", second, err)
		}
		now := time.Now()
		if n, err := s.WASentSince(ctx, a.ID, now.Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("sent before marking = %d %v", n, err)
		}
		for _, id := range []string{"3EB0AAA", "3EB0CCC", "3EB0AAA"} {
			if err := s.MarkWASent(ctx, id, a.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.WASentSince(ctx, a.ID, now.Add(-time.Hour)); err != nil || n != 2 {
			t.Fatalf("sent = %d %v, want 2", n, err)
		}
		if n, _ := s.WASentSince(ctx, a.ID, now.Add(time.Minute)); n != 0 {
			t.Fatalf("sent after now = %d", n)
		}
		if p, _ := s.PlanWASend(ctx, m.ID, 0, a.ID, "3EB0DDD"); p.SentAt == nil {
			t.Fatal("a sent part planned again as unsent")
		}
		if err := s.SetWADailySends(ctx, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.WAAccount(ctx, a.ID); got.DailySends != 0 {
			t.Fatalf("daily sends = %d, want 0", got.DailySends)
		}
	})
}

func TestWAReceiptByStoredID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		_, a, m := waSendRig(t, s)
		if _, err := s.PlanWASend(ctx, m.ID, 1, a.ID, "3EB0PART1"); err != nil {
			t.Fatal(err)
		}
		// Before the send ended: the message is still queued.
		if found, err := s.UpdateDeliveryByWAID(ctx, "3EB0PART1", hub.DeliveryDelivered); err != nil || !found {
			t.Fatalf("receipt = %v %v", found, err)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryDelivered {
			t.Fatalf("delivery = %s", got.Delivery)
		}
		if _, err := s.UpdateDeliveryByWAID(ctx, "3EB0PART1", hub.DeliveryFailed); err == nil {
			t.Fatal("a receipt failed a message")
		}
		if found, err := s.UpdateDeliveryByWAID(ctx, "NOPE", hub.DeliveryRead); err != nil || found {
			t.Fatalf("unknown id = %v %v", found, err)
		}
		if found, err := s.UpdateDeliveryByWAID(ctx, "3EB0PART1", hub.DeliveryRead); err != nil || !found {
			t.Fatalf("read = %v %v", found, err)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliveryRead {
			t.Fatalf("delivery = %s, want read", got.Delivery)
		}
	})
}

func TestWAGroupStatesAndClaimRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f, a, _ := waSendRig(t, s)
		g := hub.WAGroup{ThreadID: f.Thread.ID, AccountID: a.ID, Name: "ЗН-1"}
		if ok, err := s.ClaimWAGroup(ctx, &g); err != nil || !ok {
			t.Fatalf("claim %v %v", ok, err)
		}
		if ok, err := s.SetWAGroupState(ctx, g.ID, hub.WAGroupActive, hub.WAGroupInvited); err != nil || ok {
			t.Fatalf("a claim without JID moved: %v %v", ok, err)
		}
		if ok, err := s.ReleaseWAGroupClaim(ctx, g.ID); err != nil || !ok {
			t.Fatalf("release %v %v", ok, err)
		}
		if _, err := s.WAGroupByThread(ctx, f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("released claim still there: %v", err)
		}
		if ok, err := s.ClaimWAGroup(ctx, &g); err != nil || !ok {
			t.Fatalf("claim again %v %v", ok, err)
		}
		if ok, _ := s.SetWAGroupJID(ctx, g.ID, "120363000001@g.us"); !ok {
			t.Fatal("JID not stored")
		}
		if ok, _ := s.ReleaseWAGroupClaim(ctx, g.ID); ok {
			t.Fatal("a created group was released")
		}
		if ok, err := s.SetWAGroupState(ctx, g.ID, hub.WAGroupActive, hub.WAGroupInvited); err != nil || !ok {
			t.Fatalf("active → invited %v %v", ok, err)
		}
		if ok, _ := s.SetWAGroupState(ctx, g.ID, hub.WAGroupActive, hub.WAGroupInvited); ok {
			t.Fatal("moved twice")
		}
		got, err := s.WAGroupByJID(ctx, a.ID, "120363000001@g.us")
		if err != nil || got.State != hub.WAGroupInvited {
			t.Fatalf("by JID %+v %v", got, err)
		}
		if _, err := s.WAGroupByJID(ctx, a.ID+1, "120363000001@g.us"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another account's group: %v", err)
		}
		if ok, _ := s.SetWAGroupLeft(ctx, g.ID, time.Now()); !ok {
			t.Fatal("an invited group could not be left")
		}
	})
}

func TestWASMSFollowUpOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f, a, m := waSendRig(t, s)
		other, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelWhatsApp,
			Recipient: f.Thread.Phone, Body: "Добрый день", Author: "Анна"})
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.ClaimOutbox(ctx, 10, time.Minute, []string{hub.ChannelWhatsApp})
		if err != nil {
			t.Fatal(err)
		}
		sentAt := time.Now().Add(-7 * time.Hour)
		for i, it := range items {
			id := []string{"3EB0F1", "3EB0F2"}[i]
			if _, err := s.PlanWASend(ctx, it.MessageID, 0, a.ID, id); err != nil {
				t.Fatal(err)
			}
			if err := s.MarkWASent(ctx, id, a.ID, sentAt); err != nil {
				t.Fatal(err)
			}
			at := &hub.DeliveryAttempt{OutboxID: it.ID, Attempt: 1, Provider: "whatsapp", ProviderID: id, StartedAt: sentAt, FinishedAt: sentAt}
			if err := s.MarkOutboxSent(ctx, it, at, hub.DeliverySent); err != nil {
				t.Fatal(err)
			}
		}
		due, err := s.UndeliveredWAMessages(ctx, time.Now(), 10)
		if err != nil || len(due) != 1 || due[0].MessageID != m.ID || due[0].Hours != store.DefaultWAUndeliveredSMSHours {
			t.Fatalf("due = %+v %v, want the status message only (not %d)", due, err, other.ID)
		}
		if due, _ := s.UndeliveredWAMessages(ctx, time.Now().Add(-2*time.Hour), 10); len(due) != 0 {
			t.Fatalf("due 5 h after sending: %+v", due)
		}
		smsMsg, queued, err := s.FollowUpWithSMS(ctx, m.ID, "not delivered", nil)
		if err != nil || !queued || smsMsg.Body != m.Body {
			t.Fatalf("follow-up %+v %v %v", smsMsg, queued, err)
		}
		if item := storetest.Outbox(t, s, smsMsg.ID); item.Channel != hub.ChannelSMS || item.Recipient != f.Thread.Phone {
			t.Fatalf("SMS outbox %+v", item)
		}
		if _, queued, _ := s.FollowUpWithSMS(ctx, m.ID, "not delivered", nil); queued {
			t.Fatal("followed up twice")
		}
		if due, _ := s.UndeliveredWAMessages(ctx, time.Now(), 10); len(due) != 0 {
			t.Fatalf("still due after the follow-up: %+v", due)
		}
		if got := storetest.Message(t, s, m.ID); got.Delivery != hub.DeliverySent || got.Error != "not delivered" {
			t.Fatalf("WhatsApp message %s %q", got.Delivery, got.Error)
		}
	})
}

// A message sent in parts is found by any part's id (even before the send
// recorded the first one as its provider id), only at its branch.
func TestMessageByProviderIDFindsEveryPart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f, a, m := waSendRig(t, s)
		for part, id := range []string{"3EB0PART0", "3EB0PART1"} {
			if _, err := s.PlanWASend(ctx, m.ID, part, a.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []string{"3EB0PART0", "3EB0PART1"} {
			if got, err := s.MessageByProviderID(ctx, f.Branch.ID, id); err != nil || got.ID != m.ID {
				t.Fatalf("by %s = %+v %v, want message %d", id, got, err, m.ID)
			}
			if _, err := s.MessageByProviderID(ctx, f.Branch.ID+1000, id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("by %s at another branch: %v, want not found", id, err)
			}
		}
		if _, err := s.MessageByProviderID(ctx, f.Branch.ID, "3EB0PART2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an id no part has: %v", err)
		}
	})
}
