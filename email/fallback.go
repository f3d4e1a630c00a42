package email

import (
	"context"
	"fmt"
	"log/slog"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// Fallback is the e-mail pool's Rerouter. An e-mail the pool gives up on
// (the server refused it for good, the attempts ran out) goes by SMS to
// the thread's number when the thread's branch asks for that
// (BranchEmailSettings.SMSFallback): the same text part, with the
// customer's page link, and the thread shows both, the failed e-mail
// ("…; sent by SMS instead") and the SMS. Otherwise the e-mail just
// fails, as on a pool without a Rerouter.
type Fallback struct {
	store  *store.Store
	links  *hub.Links
	log    *slog.Logger
	queued func()
}

var _ outbox.Rerouter = (*Fallback)(nil)

// FallbackOptions configure a Fallback; zero values take the defaults.
type FallbackOptions struct {
	Logger *slog.Logger // default slog.Default()
	// Queued is called after an SMS was queued, to wake the SMS pool;
	// nil waits for its next poll.
	Queued func()
}

// NewFallback builds the fallback; links adds the customer's page link to
// the SMS (nil adds none).
func NewFallback(st *store.Store, links *hub.Links, opts FallbackOptions) *Fallback {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Fallback{store: st, links: links, log: opts.Logger, queued: opts.Queued}
}

// Reroute ends a claimed e-mail item: by SMS when its branch wants that
// and the thread has a number, else failed with the reason.
func (f *Fallback) Reroute(ctx context.Context, item hub.OutboxItem, attempts int, reason string) error {
	if item.Channel != hub.ChannelEmail {
		// Only e-mail falls back here; anything else on this pool fails
		// rather than queuing itself again for ever.
		return f.store.MarkOutboxFailed(ctx, item, attempts, reason)
	}
	wants, err := f.wantsSMS(ctx, item.MessageID)
	if err != nil {
		return err
	}
	if !wants {
		return f.store.MarkOutboxFailed(ctx, item, attempts, reason)
	}
	m, err := f.store.RerouteOutboxToSMS(ctx, item, attempts, reason, f.links)
	if err != nil {
		return err
	}
	if m.ID == 0 {
		f.log.Warn("e-mail failed, no number for SMS", "message_id", item.MessageID, "reason", reason)
		return nil
	}
	f.log.Info("e-mail sent by SMS instead", "message_id", item.MessageID, "sms_message_id", m.ID, "reason", reason)
	if f.queued != nil {
		f.queued()
	}
	return nil
}

// EmailFailed is the inbound listener's fallback (inbound.Fallback): an
// e-mail that was sent and then bounced for good (its outbox row has
// ended, so Reroute never sees it) goes by SMS to the thread's number
// when its branch wants that: the same text part with the customer's
// live page link, at most once per message however often the bounce
// arrives. The e-mail then reads "…; sent by SMS instead".
func (f *Fallback) EmailFailed(ctx context.Context, messageID int64) error {
	wants, err := f.wantsSMS(ctx, messageID)
	if err != nil || !wants {
		return err
	}
	m, queued, err := f.store.FollowUpFailedEmailWithSMS(ctx, messageID, f.links)
	if err != nil {
		return fmt.Errorf("e-mail fallback: %w", err)
	}
	if !queued {
		f.log.Info("bounced e-mail not sent by SMS: done already, or no number", "message_id", messageID)
		return nil
	}
	f.log.Info("bounced e-mail sent by SMS instead", "message_id", messageID, "sms_message_id", m.ID)
	if f.queued != nil {
		f.queued()
	}
	return nil
}

// wantsSMS tells whether the message's branch falls back to SMS.
func (f *Fallback) wantsSMS(ctx context.Context, messageID int64) (bool, error) {
	m, err := f.store.Message(ctx, messageID)
	if err != nil {
		return false, fmt.Errorf("e-mail fallback: %w", err)
	}
	th, err := f.store.Thread(ctx, m.ThreadID)
	if err != nil {
		return false, fmt.Errorf("e-mail fallback: %w", err)
	}
	b, ok, err := f.store.BranchEmailSettings(ctx, th.BranchID)
	if err != nil {
		return false, fmt.Errorf("e-mail fallback: %w", err)
	}
	return ok && b.SMSFallback, nil
}
