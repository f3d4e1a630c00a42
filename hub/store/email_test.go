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

// An e-mail is queued like any message, with its parts beside it; it is
// refused without an address or a Message-ID, and a refused consent of the
// customer's phone keeps it off the outbox.
func TestQueueEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		parts := hub.MessageEmail{Subject: "Заканчивается страховка", HTML: "<table></table>", ReplyTo: "t-1-ab@reply.example", HeaderID: "m1@reply.example"}
		m, err := s.QueueMessage(ctx, store.Outgoing{
			ThreadID: f.Thread.ID, Channel: hub.ChannelEmail, Recipient: "anna@example.pl", Body: "plain",
			Purpose: store.ConsentReminders, ConsentPhone: f.Thread.Phone, Email: &parts,
		})
		if err != nil || m.Delivery != hub.DeliveryQueued {
			t.Fatalf("queue: %+v %v", m, err)
		}
		got, err := s.MessageEmail(ctx, m.ID)
		if err != nil || got.Subject != parts.Subject || got.HTML != parts.HTML || got.ReplyTo != parts.ReplyTo {
			t.Fatalf("parts: %+v %v", got, err)
		}
		if byID, err := s.MessageEmailByHeaderID(ctx, "<m1@reply.example>"); err != nil || byID.MessageID != m.ID {
			t.Fatalf("by Message-ID: %+v %v", byID, err)
		}
		items, err := s.ClaimOutbox(ctx, 10, 0, []string{hub.ChannelEmail})
		if err != nil || len(items) != 1 || items[0].Recipient != "anna@example.pl" || items[0].Body != "plain" {
			t.Fatalf("outbox: %+v %v", items, err)
		}

		for _, bad := range []store.Outgoing{
			{ThreadID: f.Thread.ID, Channel: hub.ChannelEmail, Recipient: "anna@example.pl", Body: "x"},
			{ThreadID: f.Thread.ID, Channel: hub.ChannelEmail, Body: "x", Email: &hub.MessageEmail{Subject: "s", HeaderID: "m2@x"}},
		} {
			if _, err := s.QueueMessage(ctx, bad); err == nil {
				t.Errorf("queued %+v", bad)
			}
		}

		if _, err := s.SetConsent(ctx, f.Thread.Phone, store.ConsentReminders, false, store.ConsentFromStaff, time.Now()); err != nil {
			t.Fatal(err)
		}
		parts.HeaderID = "m3@reply.example"
		m, err = s.QueueMessage(ctx, store.Outgoing{
			ThreadID: f.Thread.ID, Channel: hub.ChannelEmail, Recipient: "anna@example.pl", Body: "plain",
			Purpose: store.ConsentReminders, ConsentPhone: f.Thread.Phone, Email: &parts,
		})
		if err != nil || m.Delivery != hub.DeliveryPageOnly {
			t.Fatalf("after the refusal: %+v %v", m, err)
		}
	})
}

// A hard bounce marks every customer with the address (whatever its case)
// unusable; a new address from the DMS clears the mark, the same one
// resent keeps it.
func TestEmailInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		data := store.CustomerData{NodeID: f.Node.ID, ExternalID: "c1", Name: "Anna", Email: "Anna@Example.pl", Phones: []string{"+48600100200"}}
		id, err := s.UpsertCustomer(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		if addr, ok, err := s.EmailUsable(ctx, id); err != nil || !ok || addr != "Anna@Example.pl" {
			t.Fatalf("before: %q %v %v", addr, ok, err)
		}
		if err := s.MarkEmailInvalid(ctx, "anna@example.PL", "550 5.1.1 user unknown"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.EmailUsable(ctx, id); ok {
			t.Fatal("usable after a hard bounce")
		}
		if _, err := s.UpsertCustomer(ctx, data); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Customer(ctx, id); c.EmailInvalidAt == nil || c.EmailInvalidReason != "550 5.1.1 user unknown" {
			t.Fatalf("the same address resent cleared the mark: %+v", c)
		}
		data.Email = "anna.nowak@example.pl"
		if _, err := s.UpsertCustomer(ctx, data); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.EmailUsable(ctx, id); !ok {
			t.Fatal("a new address is still marked")
		}
		if _, _, err := s.EmailUsable(ctx, id+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown customer: %v", err)
		}
		if err := s.MarkEmailInvalid(ctx, " ", "x"); err == nil {
			t.Fatal("an empty address marked")
		}
	})
}

// A branch's sender is one row, replaced by a save.
func TestBranchEmailSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if _, ok, err := s.BranchEmailSettings(ctx, f.Branch.ID); ok || err != nil {
			t.Fatalf("before a save: %v %v", ok, err)
		}
		b := hub.BranchEmailSettings{BranchID: f.Branch.ID, FromAddress: "serwis@example.pl", FromName: "Serwis"}
		if err := s.SaveBranchEmailSettings(ctx, b); err != nil {
			t.Fatal(err)
		}
		b.FromName, b.SMSFallback = "Serwis Kraków", true
		if err := s.SaveBranchEmailSettings(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.BranchEmailSettings(ctx, f.Branch.ID)
		if err != nil || !ok || got.FromName != "Serwis Kraków" || !got.SMSFallback {
			t.Fatalf("after saves: %+v %v %v", got, ok, err)
		}
	})
}
