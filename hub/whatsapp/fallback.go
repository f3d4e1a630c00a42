package whatsapp

import (
	"context"
	"log/slog"

	"naryad/hub"
	"naryad/hub/outbox"
	"naryad/hub/store"
)

// FallbackOptions configure a Fallback; zero values take the defaults.
type FallbackOptions struct {
	Logger *slog.Logger // default slog.Default()
	// Queued is called after an SMS was queued, to wake the SMS pool
	// (its Wake); nil waits for the pool's next poll.
	Queued func()
}

// Fallback is the WhatsApp pool's Rerouter: a message WhatsApp could not
// carry (the customer is not on WhatsApp, the account is logged out or
// banned, the daily cap of new chats is reached, the attempts ran out)
// goes to the customer by SMS with their page link, and the thread shows
// both: the WhatsApp message failed ("…; sent by SMS instead") and the SMS.
// A number found not on WhatsApp moves the thread to SMS for good.
type Fallback struct {
	store  *store.Store
	links  *hub.Links
	log    *slog.Logger
	queued func()
}

// The fallback is the WhatsApp pool's Rerouter.
var _ outbox.Rerouter = (*Fallback)(nil)

// NewFallback builds the fallback; links makes the customer's page link.
func NewFallback(st *store.Store, links *hub.Links, opts FallbackOptions) *Fallback {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Fallback{store: st, links: links, log: opts.Logger, queued: opts.Queued}
}

// Reroute queues the claimed WhatsApp item's words by SMS and ends the
// item, in one transaction (store.RerouteOutboxToSMS). A thread without a
// number just fails the message.
func (f *Fallback) Reroute(ctx context.Context, item hub.OutboxItem, attempts int, reason string) error {
	if item.Channel != hub.ChannelWhatsApp {
		// Only WhatsApp falls back to SMS; an SMS that failed on a pool
		// wired with this Rerouter must not queue itself again for ever.
		return f.store.MarkOutboxFailed(ctx, item, attempts, reason)
	}
	m, err := f.store.RerouteOutboxToSMS(ctx, item, attempts, reason, f.links)
	if err != nil {
		return err
	}
	if m.ID == 0 {
		f.log.Warn("whatsapp message failed, no number for SMS", "message_id", item.MessageID, "reason", reason)
		return nil
	}
	f.log.Info("whatsapp message sent by SMS instead", "message_id", item.MessageID, "sms_message_id", m.ID, "reason", reason)
	if f.queued != nil {
		f.queued()
	}
	return nil
}
