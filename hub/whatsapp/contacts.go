package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub/outbox"
	"naryad/hub/store"
)

// directChat finds the customer's direct chat for a number (E.164): from a
// check of wa_contacts no older than ContactTTL, or by asking WhatsApp,
// whose answer is kept for the next messages and for choosing the channel
// of new threads. A number not on WhatsApp is a reroute: the message goes
// by SMS, and the fallback moves the thread to SMS for good.
func (s *Sender) directChat(ctx context.Context, cli Client, phone string) (types.JID, error) {
	digits, ok := sendDigits(phone)
	if !ok {
		return types.EmptyJID, outbox.Reroute("%q is not a number WhatsApp can reach", phone)
	}
	check, err := s.store.WAContactCheck(ctx, phone)
	switch {
	case err == nil && s.now().Sub(check.CheckedAt) < s.opts.ContactTTL:
		return s.chatOf(check, digits)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return types.EmptyJID, fmt.Errorf("whatsapp: %w", err)
	}
	check, err = s.askWhatsApp(ctx, cli, phone, digits)
	if err != nil {
		return types.EmptyJID, err
	}
	return s.chatOf(check, digits)
}

// chatOf turns a check into the chat to write to. WhatsApp answers with
// the chat's JID; an unreadable one falls back to the number's own.
func (s *Sender) chatOf(check store.WAContactCheck, digits string) (types.JID, error) {
	if !check.OnWhatsApp {
		return types.EmptyJID, outbox.Reroute("%s is not on WhatsApp", check.Phone)
	}
	if jid, err := types.ParseJID(check.JID); err == nil && jid.User != "" {
		return jid.ToNonAD(), nil
	}
	return types.NewJID(digits, types.DefaultUserServer), nil
}

// askWhatsApp checks one number and stores the answer. Failing to ask is
// temporary: the pool tries again.
func (s *Sender) askWhatsApp(ctx context.Context, cli Client, phone, digits string) (store.WAContactCheck, error) {
	cctx, cancel := context.WithTimeout(ctx, sendCallTimeout)
	defer cancel()
	answers, err := cli.IsOnWhatsApp(cctx, []string{"+" + digits})
	if err != nil {
		return store.WAContactCheck{}, fmt.Errorf("whatsapp: check whether %s is on WhatsApp: %w", phone, err)
	}
	check := store.WAContactCheck{Phone: phone, CheckedAt: s.now()}
	for _, a := range answers {
		if a.IsIn && a.JID.User != "" {
			check.OnWhatsApp, check.JID = true, a.JID.ToNonAD().String()
			break
		}
	}
	if err := s.store.SaveWAContactCheck(ctx, check); err != nil {
		return store.WAContactCheck{}, fmt.Errorf("whatsapp: %w", err)
	}
	return check, nil
}

// sendDigits gives the digits of an E.164 number ("+79161234567" →
// "79161234567"); false when it is not one.
func sendDigits(phone string) (string, bool) {
	digits, ok := strings.CutPrefix(phone, "+")
	if !ok || len(digits) < 7 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" || digits[0] == '0' {
		return "", false
	}
	return digits, true
}
