package outbox

import (
	"context"

	"naryad/hub/sms"
)

// SMS is the Sender of an SMS provider: it speaks the provider's own
// message and receipt, and its *sms.Error failures are classified as
// Sender says.
func SMS(p sms.Provider) Sender { return smsSender{p} }

type smsSender struct{ provider sms.Provider }

func (s smsSender) Name() string { return s.provider.Name() }

func (s smsSender) Send(ctx context.Context, m Message) (Receipt, error) {
	r, err := s.provider.Send(ctx, sms.Message{To: m.To, Body: m.Body, ThreadID: m.ThreadID, MessageID: m.MessageID})
	return Receipt{ProviderID: r.ProviderID, Delivered: r.State == sms.StateDelivered}, err
}
