package whatsapp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// TestCustomerBlockingGroupAddsIsInvited: a customer whose privacy
// settings refuse group adds gets the group's invite link in the direct
// chat; the thread stays there (a group without its customer is never
// used) until they join, and goes back there if they leave.
func TestCustomerBlockingGroupAddsIsInvited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newGroupRig(t, s)
		r.fake.BlocksGroupAdds[rigCustomer] = true
		if _, ok := r.groupFor(t, nil); ok {
			t.Fatal("a group without its customer was used")
		}
		g, err := s.WAGroupByThread(ctx, r.f.Thread.ID)
		if err != nil || g.State != hub.WAGroupInvited || g.JID == "" {
			t.Fatalf("group %+v %v, want invited with its JID", g, err)
		}
		if links := r.fake.InviteLinks(); len(links) != 1 || links[0].String() != g.JID {
			t.Fatalf("invite links asked for %v, want the group's", links)
		}
		link := whatsmeow.InviteLinkPrefix + "FAKE" + strings.TrimSuffix(g.JID, "@g.us")
		msgs, err := s.Messages(ctx, r.f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		var invite *hub.Message
		for _, m := range msgs {
			if m.Direction == hub.DirectionOut && strings.Contains(m.Body, link) {
				invite = &m
			}
		}
		if invite == nil {
			t.Fatalf("no invite link %s queued to the customer in %+v", link, msgs)
		}
		if item := storetest.Outbox(t, s, invite.ID); item.Channel != hub.ChannelWhatsApp || item.Recipient != r.f.Thread.Phone {
			t.Fatalf("invite queued %+v, want WhatsApp to the customer", item)
		}
		if _, ok := r.groupFor(t, nil); ok || len(r.fake.Groups()) != 1 {
			t.Fatalf("before joining: group used %v, %d groups created", ok, len(r.fake.Groups()))
		}

		in := whatsapp.NewInbound(s, hub.NewMedia(t.TempDir()), whatsapp.InboundOptions{Logger: quiet()})
		sess := whatsapp.Session{Account: r.acc, Client: r.fake}
		jid, _ := types.ParseJID(g.JID)
		customer := watest.PhoneJID(rigCustomer)
		if !in.Handle(sess, &events.GroupInfo{JID: jid, Join: []types.JID{customer}, JoinReason: "invite", Timestamp: time.Now()}) {
			t.Fatal("join not taken")
		}
		if got, ok := r.groupFor(t, nil); !ok || got != jid {
			t.Fatalf("after joining: %v %v, want the group", got, ok)
		}
		if !in.Handle(sess, &events.GroupInfo{JID: jid, Leave: []types.JID{customer}, Timestamp: time.Now()}) {
			t.Fatal("leave not taken")
		}
		if _, ok := r.groupFor(t, nil); ok {
			t.Fatal("after the customer left the group is still used")
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if len(notes) != 3 || !strings.Contains(notes[0], "invite link") || !strings.Contains(notes[1], "joined") || !strings.Contains(notes[2], "left") {
			t.Fatalf("notes = %q", notes)
		}
	})
}

// TestNoInvitesKeepsWorkOrderDirect: with the branch's invites off, a
// customer who blocks group adds keeps the direct chat; the account leaves
// the group it made and never makes another.
func TestNoInvitesKeepsWorkOrderDirect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newGroupRig(t, s)
		if err := s.SetBranchWASettings(ctx, r.f.Branch.ID, store.WASettings{Groups: true, GroupLeaveDays: 3}); err != nil {
			t.Fatal(err)
		}
		r.fake.BlocksGroupAdds[rigCustomer] = true
		for range 2 {
			if _, ok := r.groupFor(t, nil); ok {
				t.Fatal("a group without its customer was used")
			}
		}
		g, err := s.WAGroupByThread(ctx, r.f.Thread.ID)
		if err != nil || g.State != hub.WAGroupFailed {
			t.Fatalf("group %+v %v, want failed", g, err)
		}
		if len(r.fake.Groups()) != 1 || len(r.fake.Left()) != 1 || len(r.fake.InviteLinks()) != 0 {
			t.Fatalf("created %d, left %d, invites %d; want 1, 1, 0", len(r.fake.Groups()), len(r.fake.Left()), len(r.fake.InviteLinks()))
		}
		notes := groupNotes(t, s, r.f.Thread.ID)
		if len(notes) != 1 || !strings.Contains(notes[0], "no invite links") {
			t.Fatalf("notes = %q", notes)
		}
	})
}

// TestGroupCountsAsNewChat: creating a group takes one of the account's
// new chats of the day; with none left, the message goes to the direct
// chat and the group is made later.
func TestGroupCountsAsNewChat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newGroupRig(t, s)
		if err := s.SetWAPacing(ctx, r.acc.ID, 1000, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordOutboundWAChat(ctx, r.acc.ID, "+79160000009", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		r.acc, _ = s.WAAccount(ctx, r.acc.ID)
		if _, ok := r.groupFor(t, nil); ok || len(r.fake.Groups()) != 0 {
			t.Fatalf("group used %v, %d created; want none over the cap", ok, len(r.fake.Groups()))
		}
		if err := s.SetWAPacing(ctx, r.acc.ID, 1000, 2); err != nil {
			t.Fatal(err)
		}
		r.acc, _ = s.WAAccount(ctx, r.acc.ID)
		if _, ok := r.groupFor(t, nil); !ok {
			t.Fatal("no group within the cap")
		}
		if n, err := s.WANewChatsSince(ctx, r.acc.ID, time.Now().Add(-24*time.Hour)); err != nil || n != 2 {
			t.Fatalf("new chats = %d %v, want 2 (the group counted)", n, err)
		}
	})
}

// TestGroupWaitsForPrivacyToken: whatsmeow failing to read a member's
// privacy token stops before WhatsApp is asked; that is no failed
// creation (never retried), so the claim is released and the next message
// creates the group.
func TestGroupWaitsForPrivacyToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newGroupRig(t, s)
		cli := &groupRefusingClient{Fake: r.fake,
			createErr: errors.New("failed to get privacy token for participant 79161234567@s.whatsapp.net: database is locked")}
		if _, ok, err := r.groups.GroupFor(t.Context(), cli, r.acc, r.f.Thread); err == nil || ok {
			t.Fatalf("GroupFor = %v %v, want an error to retry", ok, err)
		}
		if _, err := s.WAGroupByThread(t.Context(), r.f.Thread.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("claim kept: %v", err)
		}
		cli.mu.Lock()
		cli.createErr = nil
		cli.mu.Unlock()
		if _, ok := r.groupFor(t, cli); !ok {
			t.Fatal("no group on the next message")
		}
		if notes := groupNotes(t, s, r.f.Thread.ID); len(notes) != 1 || !strings.Contains(notes[0], "created") {
			t.Fatalf("notes = %q, want only the creation", notes)
		}
	})
}
