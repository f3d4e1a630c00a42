package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// Links as a status message and a courtesy-car offer carry them.
const (
	maskPage    = "https://naryad.test/c/"
	maskLoan    = "https://naryad.test/l/"
	maskPageTok = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"
	maskLoanTok = "nrd_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_xyz"
)

// queueWithLinks queues an SMS carrying both links and claims it.
func queueWithLinks(t *testing.T, s *store.Store, f storetest.Fixture) (hub.Message, hub.OutboxItem, string) {
	t.Helper()
	ctx := context.Background()
	body := "Машина готова: " + maskPage + maskPageTok + "\nАвтомобиль: " + maskLoan + maskLoanTok
	m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Recipient: f.Thread.Phone, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.ClaimOutbox(ctx, 1, time.Minute, []string{hub.ChannelSMS})
	if err != nil || len(items) != 1 || items[0].MessageID != m.ID {
		t.Fatalf("claim %+v %v", items, err)
	}
	return m, items[0], body
}

// noTokens fails when text holds either token.
func noTokens(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, maskPageTok) || strings.Contains(text, maskLoanTok) {
		t.Fatalf("%s holds a token: %q", where, text)
	}
}

const maskedBody = "Машина готова: " + maskPage + hub.LinkMask + "\nАвтомобиль: " + maskLoan + hub.LinkMask

// The message is stored masked at once; the outbox row keeps the real
// text while pending (a retry still has it) and is scrubbed when it ends,
// sent or failed. A resend puts the thread's live page link back.
func TestOutboxKeepsLinkTokensOnlyUntilTheEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)

		m, item, body := queueWithLinks(t, s, f)
		if got := storetest.Message(t, s, m.ID); got.Body != maskedBody {
			t.Fatalf("stored message %q, want %q", got.Body, maskedBody)
		}
		if item.Body != body {
			t.Fatalf("claimed item %q, want the real text", item.Body)
		}
		if err := s.MarkOutboxRetry(ctx, item, 1, time.Now().Add(-time.Second), "timeout"); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Outbox(t, s, m.ID); got.Body != body {
			t.Fatalf("item waiting for its retry %q, want the real text", got.Body)
		}
		items, err := s.ClaimOutbox(ctx, 1, time.Minute, []string{hub.ChannelSMS})
		if err != nil || len(items) != 1 {
			t.Fatalf("claim again %+v %v", items, err)
		}
		a := hub.DeliveryAttempt{OutboxID: items[0].ID, Attempt: 2, Provider: "log", ProviderID: "p-1", StartedAt: time.Now(), FinishedAt: time.Now()}
		if err := s.MarkOutboxSent(ctx, items[0], &a, hub.DeliverySent); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Outbox(t, s, m.ID); got.Body != maskedBody || got.State != hub.OutboxDone {
			t.Fatalf("sent item %s %q, want it scrubbed", got.State, got.Body)
		}

		// A failure scrubs too; the resend carries the live page link.
		m2, item2, _ := queueWithLinks(t, s, f)
		if err := s.MarkOutboxFailed(ctx, item2, 1, "invalid number"); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Outbox(t, s, m2.ID); got.Body != maskedBody || got.State != hub.OutboxFailed {
			t.Fatalf("failed item %s %q, want it scrubbed", got.State, got.Body)
		}
		live := maskPage + "LiveLinkLiveLinkLiveLinkLiveLinkLiveLink123"
		if err := s.RequeueMessage(ctx, m2.ID, live); err != nil {
			t.Fatal(err)
		}
		want := "Машина готова: " + live + "\nАвтомобиль: " + maskLoan + hub.LinkMask
		if got := storetest.Outbox(t, s, m2.ID); got.Body != want || got.State != hub.OutboxPending {
			t.Fatalf("resent item %s %q, want %q", got.State, got.Body, want)
		}
		noTokens(t, "the resent message", storetest.Message(t, s, m2.ID).Body)
	})
}

// A link the customer pastes into their own message is masked for staff
// and for the DMS's feed alike.
func TestCustomerMessageLinkMaskedInTheFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		m, err := s.AddCustomerForm(ctx, f.Thread, "", "Вот ссылка: "+maskPage+maskPageTok, hub.ChannelSMS, nil)
		if err != nil {
			t.Fatal(err)
		}
		noTokens(t, "the stored message", storetest.Message(t, s, m.ID).Body)
		changes, err := s.ChangesAfter(ctx, []int64{f.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		seen := false
		for _, c := range changes {
			noTokens(t, "change "+c.Type, c.Data)
			seen = seen || (c.Type == hub.ChangeCustomerMessage && strings.Contains(c.Data, maskPage+hub.LinkMask))
		}
		if !seen {
			t.Fatalf("no customer_message with the masked link in %+v", changes)
		}
	})
}

// Rows written before masking are masked at start-up: every message, and
// outbox rows that ended; a pending row keeps its text for delivery. A
// second run has nothing to do.
func TestMaskOldLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		sent, _, body := queueWithLinks(t, s, f)
		pending, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Recipient: "+79160000001", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		plain, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelSMS, Recipient: "+79160000002", Body: "Без ссылки"})
		if err != nil {
			t.Fatal(err)
		}
		// As an older hub left them: tokens in plain text everywhere.
		db := s.Gorm(ctx)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE messages SET body = ? WHERE id IN ?", []any{body, []int64{sent.ID, pending.ID}}},
			{"UPDATE outbox SET state = ?, lease_until = NULL WHERE message_id = ?", []any{hub.OutboxDone, sent.ID}},
		} {
			if err := db.Exec(q.sql, q.args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.MaskOldLinks(ctx)
		if err != nil || n != 3 {
			t.Fatalf("masked %d %v, want 3 (two messages, one ended row)", n, err)
		}
		for _, id := range []int64{sent.ID, pending.ID} {
			if got := storetest.Message(t, s, id).Body; got != maskedBody {
				t.Fatalf("message %d %q", id, got)
			}
		}
		if got := storetest.Outbox(t, s, sent.ID).Body; got != maskedBody {
			t.Fatalf("ended row %q", got)
		}
		if got := storetest.Outbox(t, s, pending.ID).Body; got != body {
			t.Fatalf("pending row %q, want its real text", got)
		}
		if got := storetest.Message(t, s, plain.ID).Body; got != "Без ссылки" {
			t.Fatalf("plain message %q", got)
		}
		if n, err := s.MaskOldLinks(ctx); err != nil || n != 0 {
			t.Fatalf("second run masked %d %v", n, err)
		}
	})
}

// An SMS follow-up of a WhatsApp status message is written from the
// stored, masked words: the live page link takes the masked one's place,
// once, in what the SMS provider gets.
func TestFollowUpPutsTheLivePageLinkBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		links := testLinks(t)
		l, err := s.LiveMagicLink(ctx, f.Thread.ID, links)
		if err != nil {
			t.Fatal(err)
		}
		body := "Машина готова: " + links.URL(l.Salt)
		m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: f.Thread.ID, Channel: hub.ChannelWhatsApp, Recipient: f.Thread.Phone,
			Body: body, TemplateKey: "status.ready"})
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.ClaimOutbox(ctx, 1, time.Minute, []string{hub.ChannelWhatsApp})
		if err != nil || len(items) != 1 {
			t.Fatalf("claim %+v %v", items, err)
		}
		a := hub.DeliveryAttempt{OutboxID: items[0].ID, Attempt: 1, Provider: "whatsapp", ProviderID: "3EB0", StartedAt: time.Now(), FinishedAt: time.Now()}
		if err := s.MarkOutboxSent(ctx, items[0], &a, hub.DeliverySent); err != nil {
			t.Fatal(err)
		}
		sms, queued, err := s.FollowUpWithSMS(ctx, m.ID, "not delivered", links)
		if err != nil || !queued {
			t.Fatalf("follow-up %v %v", queued, err)
		}
		if got := storetest.Outbox(t, s, sms.ID).Body; got != body {
			t.Fatalf("follow-up SMS %q, want %q", got, body)
		}
		if got := storetest.Message(t, s, sms.ID).Body; got != hub.MaskLinks(body) {
			t.Fatalf("follow-up as stored %q", got)
		}
	})
}
