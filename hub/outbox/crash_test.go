package outbox_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A worker killed after the provider accepted a message and its attempt was
// written, but before the outbox row was ended, leaves a pending row with a
// successful attempt. Once the lease lapses the next worker finishes it as
// sent under the provider's id instead of sending it again; a message the
// advisor resends after it failed is sent again, however it went before.
func TestRecordedSuccessIsNotSentAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		m := f.Queue(t, s, 1)[0]
		claimed, err := s.ClaimOutbox(ctx, 1, time.Millisecond, []string{hub.ChannelSMS})
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		a := hub.DeliveryAttempt{OutboxID: claimed[0].ID, Attempt: 1, Provider: "fake", ProviderID: "SM-before-the-crash",
			StartedAt: time.Now(), FinishedAt: time.Now()}
		if err := s.RecordDeliveryAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		storetest.WaitFor(t, 5*time.Second, func() bool { return time.Now().After(*claimed[0].LeaseUntil) })

		fake := &fakeSender{}
		_, stop := start(t, s, sms1(fake), fast())
		got := waitDelivery(t, s, m.ID)
		stop()
		if n := fake.callsOf(m.ID); n != 0 {
			t.Fatalf("sent %d more times after a recorded success", n)
		}
		if got.Delivery != hub.DeliverySent || got.ProviderID != "SM-before-the-crash" {
			t.Fatalf("message = %s %q, want sent under the recorded provider id", got.Delivery, got.ProviderID)
		}
		item := storetest.Outbox(t, s, m.ID)
		if item.State != hub.OutboxDone || item.Attempts != 1 || len(attempts(t, s, item.ID)) != 1 {
			t.Fatalf("outbox = %s after %d attempts (%d recorded), want done after the 1", item.State, item.Attempts,
				len(attempts(t, s, item.ID)))
		}

		// The provider later reports it failed; the advisor resends it: that
		// is a new send, whatever the old attempt said.
		if _, err := s.UpdateDeliveryByProviderID(ctx, "SM-before-the-crash", hub.DeliveryFailed, "30003: unreachable"); err != nil {
			t.Fatal(err)
		}
		if err := s.RequeueMessage(ctx, m.ID, ""); err != nil {
			t.Fatal(err)
		}
		start(t, s, sms1(fake), fast())
		got = waitDelivery(t, s, m.ID)
		if n := fake.callsOf(m.ID); n != 1 || got.Delivery != hub.DeliverySent || got.ProviderID == "SM-before-the-crash" {
			t.Fatalf("resend: %d sends, message %s %q", n, got.Delivery, got.ProviderID)
		}
	})
}
