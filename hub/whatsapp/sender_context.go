package whatsapp

import (
	"context"
	"errors"
	"fmt"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"naryad/hub/store"
)

// What an outgoing message carries besides its content: the customer
// message an advisor answers (shown quoted in WhatsApp) and the chat's
// disappearing-message timer (a message without it would stay in a chat
// where everything else disappears, and WhatsApp shows the chat's timer
// as changed).

// withContext sets the quote on the first part and the chat's timer on
// every part.
func (s *Sender) withContext(ctx context.Context, accountID int64, to types.JID, messageID int64, parts []sendPart) error {
	quote, err := s.quoteContext(ctx, to, messageID)
	if err != nil {
		return err
	}
	timer, err := s.store.WAChatTimer(ctx, accountID, to.String())
	if err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	for i, p := range parts {
		if i > 0 {
			quote = nil
		}
		if quote == nil && timer == 0 {
			continue
		}
		ci := &waE2E.ContextInfo{}
		if quote != nil {
			ci = proto.Clone(quote).(*waE2E.ContextInfo)
		}
		if timer > 0 {
			ci.Expiration = proto.Uint32(timer)
		}
		setContextInfo(p.msg, ci)
	}
	return nil
}

// quoteContext is the ContextInfo quoting the customer message the
// outgoing one answers; nil when it answers none, or one that did not
// come over WhatsApp (there is nothing WhatsApp could show).
func (s *Sender) quoteContext(ctx context.Context, to types.JID, messageID int64) (*waE2E.ContextInfo, error) {
	q, err := s.store.MessageQuoteOf(ctx, messageID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && q.QuotedID == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	ref, err := s.store.WAInboundOfMessage(ctx, *q.QuotedID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	quoted, err := s.store.Message(ctx, *q.QuotedID)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	participant := ref.Sender
	if participant == "" {
		participant = ref.Chat // a direct chat: the customer wrote it
	}
	ci := &waE2E.ContextInfo{StanzaID: proto.String(ref.WAID), Participant: proto.String(participant),
		QuotedMessage: &waE2E.Message{Conversation: proto.String(quoted.Body)}}
	if ref.Chat != to.String() {
		ci.RemoteJID = proto.String(ref.Chat) // quoted from the direct chat into the group, or back
	}
	return ci, nil
}

// setContextInfo puts ci on a message of any kind the sender makes; plain
// text becomes an extended text, the kind that carries one.
func setContextInfo(m *waE2E.Message, ci *waE2E.ContextInfo) {
	switch {
	case m.Conversation != nil:
		m.ExtendedTextMessage = &waE2E.ExtendedTextMessage{Text: m.Conversation, ContextInfo: ci}
		m.Conversation = nil
	case m.ExtendedTextMessage != nil:
		m.ExtendedTextMessage.ContextInfo = ci
	case m.ImageMessage != nil:
		m.ImageMessage.ContextInfo = ci
	case m.VideoMessage != nil:
		m.VideoMessage.ContextInfo = ci
	case m.AudioMessage != nil:
		m.AudioMessage.ContextInfo = ci
	case m.DocumentMessage != nil:
		m.DocumentMessage.ContextInfo = ci
	}
}
