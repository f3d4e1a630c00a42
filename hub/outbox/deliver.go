package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// Outcomes of one attempt, as logged.
const (
	outcomeSent      = "sent"
	outcomeDelivered = "delivered"
	outcomeRetry     = "retry"
	outcomeFailed    = "failed"
	outcomeRerouted  = "rerouted"        // given up on this channel, handed to the Rerouter
	outcomeAccepted  = "accepted_before" // a provider had accepted it already: ended as sent, not sent again
)

// deliver makes one attempt at a claimed item and records it. It works on
// a context detached from ctx: once a send has started, shutdown waits for
// its result to be written instead of leaving the provider's answer unknown.
func (p *Pool) deliver(ctx context.Context, item hub.OutboxItem) {
	ctx = context.WithoutCancel(ctx)
	if p.acceptedBefore(ctx, item) {
		return
	}
	attempt := item.Attempts + 1
	a := hub.DeliveryAttempt{OutboxID: item.ID, Attempt: attempt, StartedAt: time.Now()}
	receipt, sendErr := p.send(ctx, item, &a)
	a.FinishedAt = time.Now()
	a.ProviderID = receipt.ProviderID
	if sendErr != nil {
		a.Error = sendErr.Error()
	}

	outcome, next := p.judge(attempt, receipt, sendErr)
	err := p.record(ctx, item, &a, outcome, next)

	attrs := []any{
		"message_id", item.MessageID, "outbox_id", item.ID, "attempt", attempt, "channel", item.Channel,
		"provider", a.Provider, "outcome", outcome, "duration_ms", a.FinishedAt.Sub(a.StartedAt).Milliseconds(),
	}
	if a.ProviderID != "" {
		attrs = append(attrs, "provider_id", a.ProviderID)
	}
	if sendErr != nil {
		attrs = append(attrs, "error", a.Error)
	}
	if outcome == outcomeRetry {
		attrs = append(attrs, "next_attempt_at", next.UTC().Format(time.RFC3339))
	}
	level := slog.LevelInfo
	switch {
	case err != nil:
		// The lease lapses and the item is tried again: the customer may
		// get this message twice, but never not at all.
		level = slog.LevelError
		attrs = append(attrs, "record_error", err.Error())
	case outcome == outcomeRetry || outcome == outcomeFailed || outcome == outcomeRerouted:
		level = slog.LevelWarn
	}
	p.log.Log(ctx, level, "outbox attempt", attrs...)
}

// send looks up the channel's sender and makes the provider call under
// SendTimeout. It fills in the attempt's provider.
func (p *Pool) send(ctx context.Context, item hub.OutboxItem, a *hub.DeliveryAttempt) (Receipt, error) {
	sender, ok := p.senders[item.Channel]
	if !ok {
		a.Provider = "none"
		return Receipt{}, fmt.Errorf("no sender for channel %s", item.Channel)
	}
	a.Provider = sender.Name()
	msg, err := p.message(ctx, item)
	if err != nil {
		return Receipt{}, err
	}
	sctx, cancel := context.WithTimeout(ctx, p.opts.SendTimeout)
	defer cancel()
	return sender.Send(sctx, msg)
}

// message builds what the provider gets; the thread id comes from the
// message row, which the outbox row does not repeat.
func (p *Pool) message(ctx context.Context, item hub.OutboxItem) (Message, error) {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	m, err := p.store.Message(ctx, item.MessageID)
	if err != nil {
		return Message{}, fmt.Errorf("outbox: %w", err)
	}
	return Message{To: item.Recipient, Body: item.Body, ThreadID: m.ThreadID, MessageID: m.ID}, nil
}

// judge decides what an attempt's result means: a permanent or reroute
// error gives up at once, a temporary one is retried after the backoff (or
// the provider's Retry-After when longer) until MaxAttempts. Giving up
// fails the item, or reroutes it on a pool with a Rerouter.
func (p *Pool) judge(attempt int, r Receipt, err error) (outcome string, next time.Time) {
	switch {
	case err == nil && r.Delivered:
		return outcomeDelivered, time.Time{}
	case err == nil:
		return outcomeSent, time.Time{}
	case IsPermanent(err) || ShouldReroute(err) || attempt >= p.opts.MaxAttempts:
		if p.opts.Reroute != nil {
			return outcomeRerouted, time.Time{}
		}
		return outcomeFailed, time.Time{}
	default:
		wait := max(p.opts.Backoff(attempt), RetryAfter(err))
		return outcomeRetry, time.Now().Add(wait)
	}
}

// acceptedBefore ends, as sent, an item a provider accepted in an earlier
// attempt whose worker died (or lost its lease) before ending the item,
// and tells so; the item is not sent again. When the check itself fails
// the item is left for its lease to lapse rather than risk sending twice.
func (p *Pool) acceptedBefore(ctx context.Context, item hub.OutboxItem) bool {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	a, found, err := p.store.AcceptedAttempt(ctx, item)
	if err == nil && !found {
		return false
	}
	if err == nil {
		err = p.store.MarkOutboxSent(ctx, item, &a, hub.DeliverySent)
	}
	attrs := []any{"message_id", item.MessageID, "outbox_id", item.ID, "channel", item.Channel, "outcome", outcomeAccepted}
	if found {
		attrs = append(attrs, "attempt", a.Attempt, "provider", a.Provider, "provider_id", a.ProviderID)
	}
	if err != nil {
		p.log.Error("outbox attempt", append(attrs, "record_error", err.Error())...)
		return true
	}
	p.log.Warn("outbox attempt", attrs...)
	return true
}

// record writes the attempt and the item's new state. A success goes in
// one transaction with the item's end (MarkOutboxSent), so a process killed
// in between leaves neither; any other attempt is written first and on its
// own: it happened even if the claim was lost.
func (p *Pool) record(ctx context.Context, item hub.OutboxItem, a *hub.DeliveryAttempt, outcome string, next time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	switch outcome {
	case outcomeSent:
		return leaseLost(p.store.MarkOutboxSent(ctx, item, a, hub.DeliverySent))
	case outcomeDelivered:
		return leaseLost(p.store.MarkOutboxSent(ctx, item, a, hub.DeliveryDelivered))
	}
	attemptErr := p.store.RecordDeliveryAttempt(ctx, a)
	var err error
	switch outcome {
	case outcomeRetry:
		err = p.store.MarkOutboxRetry(ctx, item, a.Attempt, next, a.Error)
	case outcomeFailed:
		err = p.store.MarkOutboxFailed(ctx, item, a.Attempt, a.Error)
	case outcomeRerouted:
		err = p.opts.Reroute.Reroute(ctx, item, a.Attempt, a.Error)
	}
	return errors.Join(attemptErr, leaseLost(err))
}

// leaseLost explains a lost lease in the log.
func leaseLost(err error) error {
	if errors.Is(err, store.ErrLeaseLost) {
		return fmt.Errorf("%w: the lease lapsed during the attempt; another worker owns the item", err)
	}
	return err
}
