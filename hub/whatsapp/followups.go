package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// FollowupOptions configure Followups; zero values take the defaults.
type FollowupOptions struct {
	Logger *slog.Logger // default slog.Default()
	// Queued is called after an SMS was queued, to wake the SMS pool.
	Queued func()
	// Now is the sweep's clock (tests move it); default time.Now.
	Now func() time.Time
}

// Followups sends by SMS, with the page link, the status and estimate
// messages that WhatsApp accepted but the customer's phone never confirmed
// within the branch's hours (6 by default): a phone that is off for a day,
// or a customer who left WhatsApp, must still hear that the car is ready.
// The WhatsApp message stays in the thread, marked, beside the SMS. Each
// message is followed up once, however many instances sweep and however
// often they restart (store.FollowUpWithSMS).
type Followups struct {
	store  *store.Store
	links  *hub.Links
	log    *slog.Logger
	queued func()
	now    func() time.Time
}

// NewFollowups builds the sweeper; links makes the customer's page link.
func NewFollowups(st *store.Store, links *hub.Links, opts FollowupOptions) *Followups {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Followups{store: st, links: links, log: opts.Logger, queued: opts.Queued, now: opts.Now}
}

// followupEvery is how often Run sweeps by default: the wait is hours, so
// minutes do not matter.
const followupEvery = 5 * time.Minute

// followupBatch bounds one sweep; the rest wait for the next.
const followupBatch = 200

// followupTimeout bounds one sweep.
const followupTimeout = 2 * time.Minute

// Run sweeps at once, then every `every` (5 minutes when 0), until ctx
// ends; it returns nil then. A failed sweep is logged and the next goes on.
func (f *Followups) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = followupEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		f.sweepOnce(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (f *Followups) sweepOnce(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			f.log.Error("whatsapp follow-up sweep: panic", "panic", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, followupTimeout)
	defer cancel()
	n, err := f.Sweep(ctx)
	if err != nil {
		f.log.Error("whatsapp follow-up sweep failed", "queued", n, "error", err)
		return
	}
	if n > 0 {
		f.log.Info("whatsapp follow-up sweep", "queued_sms", n)
	}
}

// Sweep makes one pass and returns how many SMS it queued.
func (f *Followups) Sweep(ctx context.Context) (int, error) {
	due, err := f.store.UndeliveredWAMessages(ctx, f.now(), followupBatch)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, u := range due {
		if ctx.Err() != nil {
			return queued, nil
		}
		note := fmt.Sprintf("not delivered on WhatsApp after %d h; sent by SMS too", u.Hours)
		m, ok, err := f.store.FollowUpWithSMS(ctx, u.MessageID, note, f.links)
		if err != nil {
			return queued, err
		}
		if ok {
			queued++
			f.log.Info("whatsapp message not delivered; sent by SMS too", "message_id", u.MessageID, "sms_message_id", m.ID,
				"sent_at", u.SentAt.UTC().Format(time.RFC3339))
		}
	}
	if queued > 0 && f.queued != nil {
		f.queued()
	}
	return queued, nil
}
