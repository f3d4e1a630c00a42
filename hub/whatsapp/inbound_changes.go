package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
	"naryad/hub/store"
)

// Messages that change other messages: a reaction, an edit, a deletion
// for everyone, a chat's new disappearing-message timer. None of them is
// a message of its own in the thread, and none is a decision: a 👍 on an
// estimate approves nothing (approval stays on the customer's page or an
// explicit reply).

// handleChange takes a message that changes another one. handled is false
// for an ordinary message (handleMessage stores it); ok is false only when
// the database failed, so WhatsApp delivers it again.
func (in *Inbound) handleChange(s Session, evt *events.Message) (handled, ok bool) {
	m := evt.Message
	if m == nil {
		return false, true
	}
	chat := evt.Info.Chat.ToNonAD().String()
	log := in.log.With("account_id", s.Account.ID, "wa_id", string(evt.Info.ID), "chat", chat)
	var step func(ctx context.Context) error
	switch pm := m.GetProtocolMessage(); {
	case m.GetReactionMessage() != nil:
		step = func(ctx context.Context) error { return in.react(ctx, s, evt, m.GetReactionMessage()) }
	case pm != nil && (pm.GetType() == waE2E.ProtocolMessage_MESSAGE_EDIT || evt.IsEdit):
		step = func(ctx context.Context) error {
			return in.changeOwn(ctx, s, chat, pm.GetKey().GetID(), func(ctx context.Context, id int64) error {
				text := textOf(pm.GetEditedMessage())
				if text == "" {
					return nil // an edit to nothing: keep the words
				}
				return in.st.EditMessage(ctx, id, text, in.timeOf(evt))
			})
		}
	case pm != nil && pm.GetType() == waE2E.ProtocolMessage_REVOKE:
		step = func(ctx context.Context) error {
			return in.changeOwn(ctx, s, chat, pm.GetKey().GetID(), func(ctx context.Context, id int64) error {
				return in.st.RevokeMessage(ctx, id, in.timeOf(evt))
			})
		}
	case pm != nil && pm.GetType() == waE2E.ProtocolMessage_EPHEMERAL_SETTING:
		step = func(ctx context.Context) error { return in.setTimer(ctx, s, evt, pm.GetEphemeralExpiration()) }
	default:
		return false, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := step(ctx); err != nil {
		log.Error("whatsapp inbound: change not stored, WhatsApp will deliver it again", "error", err)
		return true, false
	}
	return true, true
}

// react shows a reaction on the message it reacts to (the customer's own
// or one the hub sent, by any of its parts: a reaction to the second photo
// is one to the message); a reaction to a message the hub does not have
// is dropped.
func (in *Inbound) react(ctx context.Context, s Session, evt *events.Message, r *waE2E.ReactionMessage) error {
	target, err := in.st.MessageByProviderID(ctx, s.Account.BranchID, r.GetKey().GetID())
	if errors.Is(err, store.ErrNotFound) {
		in.log.Debug("whatsapp inbound: reaction to a message the hub does not have", "account_id", s.Account.ID,
			"target", r.GetKey().GetID())
		return nil
	}
	if err != nil {
		return err
	}
	author := "customer"
	switch {
	case evt.Info.IsFromMe:
		author = authorPhone
	case evt.Info.Chat.Server == types.GroupServer:
		author = memberName(evt.Info.PushName, peer{jid: evt.Info.Sender.ToNonAD()})
	}
	return in.st.SetReaction(ctx, store.Reaction{MessageID: target.ID, Reactor: evt.Info.Sender.ToNonAD().String(), Author: author,
		Emoji: cleanWords(r.GetText(), maxReactionRunes), ReactedAt: in.timeOf(evt)})
}

// changeOwn applies an edit or a deletion to the message it names, which
// came over WhatsApp in the same chat (one can only change one's own
// words). One that names a message the hub never stored is dropped.
func (in *Inbound) changeOwn(ctx context.Context, s Session, chat, waID string, apply func(ctx context.Context, messageID int64) error) error {
	ref, err := in.st.WAInboundByWAID(ctx, s.Account.ID, chat, waID)
	if errors.Is(err, store.ErrNotFound) {
		in.log.Info("whatsapp inbound: edit or deletion of a message the hub does not have", "account_id", s.Account.ID, "target", waID)
		return nil
	}
	if err != nil {
		return err
	}
	return apply(ctx, ref.MessageID)
}

// setTimer records a chat's new disappearing-message timer under the
// chat's address and, for a customer hidden behind a LID, their number's
// (the address the sender writes to).
func (in *Inbound) setTimer(ctx context.Context, s Session, evt *events.Message, seconds uint32) error {
	for _, chat := range in.timerChats(ctx, s, evt) {
		if err := in.st.SetWAChatTimer(ctx, s.Account.ID, chat, seconds, in.timeOf(evt)); err != nil {
			return err
		}
	}
	return nil
}

// timerChats are the addresses of a message's chat.
func (in *Inbound) timerChats(ctx context.Context, s Session, evt *events.Message) []string {
	chat := evt.Info.Chat.ToNonAD()
	out := []string{chat.String()}
	if chat.Server != types.HiddenUserServer {
		return out
	}
	alt := evt.Info.SenderAlt
	if evt.Info.IsFromMe {
		alt = evt.Info.RecipientAlt
	}
	p, err := resolvePeer(ctx, s, chat, alt)
	if err == nil && p.jid != chat && !p.jid.IsEmpty() {
		out = append(out, p.jid.String())
	}
	return out
}

// recordExtras keeps, with a message just stored, what it quotes and the
// chat's disappearing-message timer it carries; inside the message's
// transaction.
func (in *Inbound) recordExtras(ctx context.Context, tx *store.Store, s Session, evt *events.Message, m hub.Message) error {
	ci := contextInfoOf(evt.Message)
	if ci == nil {
		return nil
	}
	if exp := ci.GetExpiration(); exp > 0 {
		for _, chat := range in.timerChats(ctx, s, evt) {
			if err := tx.SetWAChatTimer(ctx, s.Account.ID, chat, exp, in.timeOf(evt)); err != nil {
				return err
			}
		}
	}
	quoted := ci.GetStanzaID()
	if quoted == "" {
		return nil
	}
	text := textOf(ci.GetQuotedMessage())
	var quotedID *int64
	q, err := tx.MessageByProviderID(ctx, s.Account.BranchID, quoted)
	switch {
	case err == nil:
		quotedID = &q.ID
		if text == "" {
			text = q.Body
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return tx.AddMessageQuote(ctx, m.ID, quotedID, text)
}

// timeOf is when WhatsApp says a message was sent; the hub's clock when
// it does not say.
func (in *Inbound) timeOf(evt *events.Message) time.Time {
	if !evt.Info.Timestamp.IsZero() {
		return evt.Info.Timestamp
	}
	return in.now()
}

// contextInfoOf finds the ContextInfo of a message of any kind (a quote, a
// disappearing timer, a forward); nil when it has none.
func contextInfoOf(m *waE2E.Message) *waE2E.ContextInfo {
	if m == nil {
		return nil
	}
	for _, ci := range []*waE2E.ContextInfo{
		m.GetExtendedTextMessage().GetContextInfo(), m.GetImageMessage().GetContextInfo(), m.GetVideoMessage().GetContextInfo(),
		m.GetAudioMessage().GetContextInfo(), m.GetDocumentMessage().GetContextInfo(), m.GetStickerMessage().GetContextInfo(),
		m.GetLocationMessage().GetContextInfo(), m.GetContactMessage().GetContextInfo(), m.GetPtvMessage().GetContextInfo(),
	} {
		if ci != nil {
			return ci
		}
	}
	return nil
}

// textOf is a message's words (a file's caption), for a quote or an edit.
func textOf(m *waE2E.Message) string {
	if m == nil {
		return ""
	}
	for _, s := range []string{m.GetConversation(), m.GetExtendedTextMessage().GetText(), m.GetImageMessage().GetCaption(),
		m.GetVideoMessage().GetCaption(), m.GetDocumentMessage().GetCaption(), m.GetDocumentMessage().GetFileName()} {
		if s = cleanWords(s, maxWordsRunes); s != "" {
			return s
		}
	}
	return ""
}
