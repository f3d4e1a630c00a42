package whatsapp_test

import (
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
)

// TestFallbackLeavesSMSAlone: an SMS handed to the fallback (a pool wired
// with it for both channels) just fails; it never queues itself again.
func TestFallbackLeavesSMSAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		msgs := r.f.Queue(t, s, 1)
		items, err := s.ClaimOutbox(ctx, 1, time.Minute, []string{hub.ChannelSMS})
		if err != nil || len(items) != 1 {
			t.Fatalf("claim %+v %v", items, err)
		}
		woke := false
		fb := whatsapp.NewFallback(s, r.links, whatsapp.FallbackOptions{Logger: quiet(), Queued: func() { woke = true }})
		if err := fb.Reroute(ctx, items[0], 1, "sms fake: invalid number"); err != nil {
			t.Fatal(err)
		}
		if m := storetest.Message(t, s, msgs[0].ID); m.Delivery != hub.DeliveryFailed || m.Error != "sms fake: invalid number" {
			t.Fatalf("SMS = %s %q, want failed as it was", m.Delivery, m.Error)
		}
		if all, _ := s.Messages(ctx, r.f.Thread.ID); len(all) != 1 || woke {
			t.Fatalf("the fallback queued %d messages (woke the pool: %v)", len(all)-1, woke)
		}
	})
}
