package sms

import (
	"context"
	"time"

	"naryad/hub/outbox"
)

// OutboxSender is the outbox's Sender of an SMS provider: it turns the
// outbox's channel-neutral message into the provider's own and back, and
// the provider's *Error tells the outbox whether to retry (IsPermanentFailure,
// RequestedWait).
func OutboxSender(p Provider) outbox.Sender { return outboxSender{p} }

type outboxSender struct{ provider Provider }

func (s outboxSender) Name() string { return s.provider.Name() }

func (s outboxSender) Send(ctx context.Context, m outbox.Message) (outbox.Receipt, error) {
	r, err := s.provider.Send(ctx, Message{To: m.To, Body: m.Body, ThreadID: m.ThreadID, MessageID: m.MessageID})
	return outbox.Receipt{ProviderID: r.ProviderID, Delivered: r.State == StateDelivered}, err
}

// IsPermanentFailure tells the outbox that retrying cannot help.
func (e *Error) IsPermanentFailure() bool { return e.Permanent }

// RequestedWait is the provider's Retry-After, for the outbox.
func (e *Error) RequestedWait() time.Duration { return e.RetryAfter }
