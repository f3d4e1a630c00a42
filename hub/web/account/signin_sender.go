package account

import (
	"context"
	"fmt"
	"time"

	"naryad/hub/sms"
)

// CodeSender delivers a sign-in code's text to a phone. A code is not a
// thread message: it goes straight to the channel, not through the outbox
// (a code that arrives after ten minutes is no use, so it is never retried).
type CodeSender interface {
	SendCode(ctx context.Context, e164, text string) error
}

// OptionalCodeSender is a channel that can carry codes only some of the
// time: WhatsApp, while one of the hub's accounts is connected. The
// sign-in page offers it only when Available says so.
type OptionalCodeSender interface {
	CodeSender
	Available(ctx context.Context) bool
}

// Code channels, as the form posts them and signin_codes.channel keeps them.
const (
	viaSMS      = "sms"
	viaWhatsApp = "whatsapp"
)

// sendTimeout bounds one delivery; the visitor is waiting for the page.
const sendTimeout = 15 * time.Second

// SMSCodeSender sends codes by the hub's SMS provider (with the default
// log provider, they land in data/sms.log).
func SMSCodeSender(p sms.Provider) CodeSender { return smsCodes{p} }

type smsCodes struct{ provider sms.Provider }

func (s smsCodes) SendCode(ctx context.Context, e164, text string) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if _, err := s.provider.Send(ctx, sms.Message{To: e164, Body: text}); err != nil {
		return fmt.Errorf("send sign-in code by %s: %w", s.provider.Name(), err)
	}
	return nil
}
