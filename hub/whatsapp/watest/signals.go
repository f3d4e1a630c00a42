package watest

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// Read receipts and presence, recorded as whatsmeow would send them.

// ReadMark is one MarkRead call.
type ReadMark struct {
	IDs          []types.MessageID
	Chat, Sender types.JID
	Type         types.ReceiptType
}

// ChatState is one SendChatPresence call.
type ChatState struct {
	To    types.JID
	State types.ChatPresence
}

// MarkRead records the receipt. Like whatsmeow it refuses an empty list,
// more than one receipt type, and a group chat without the sender.
func (f *Fake) MarkRead(ctx context.Context, ids []types.MessageID, _ time.Time, chat, sender types.JID, extra ...types.ReceiptType) error {
	f.Lock()
	defer f.Unlock()
	switch {
	case !f.connected:
		return whatsmeow.ErrNotConnected
	case len(ids) == 0:
		return errors.New("no message IDs specified")
	case len(extra) > 1:
		panic("too many receipt types specified")
	case chat.Server == types.GroupServer && sender.IsEmpty():
		return errors.New("fake: a read receipt in a group must name the sender")
	}
	t := types.ReceiptTypeRead
	if len(extra) == 1 {
		t = extra[0]
	}
	f.reads = append(f.reads, ReadMark{IDs: append([]types.MessageID(nil), ids...), Chat: chat, Sender: sender, Type: t})
	return nil
}

// ReadMarks lists the read receipts sent, oldest first.
func (f *Fake) ReadMarks() []ReadMark {
	f.Lock()
	defer f.Unlock()
	return append([]ReadMark(nil), f.reads...)
}

// SendPresence records the account's own presence (available or not).
func (f *Fake) SendPresence(ctx context.Context, state types.Presence) error {
	f.Lock()
	defer f.Unlock()
	if !f.connected {
		return whatsmeow.ErrNotConnected
	}
	f.presence = append(f.presence, state)
	return nil
}

// Presences lists the presences the account announced, oldest first.
func (f *Fake) Presences() []types.Presence {
	f.Lock()
	defer f.Unlock()
	return append([]types.Presence(nil), f.presence...)
}

// SendChatPresence records "typing…" (composing) or its end (paused) in a chat.
func (f *Fake) SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, _ types.ChatPresenceMedia) error {
	f.Lock()
	defer f.Unlock()
	if !f.connected {
		return whatsmeow.ErrNotConnected
	}
	f.chatStates = append(f.chatStates, ChatState{To: jid, State: state})
	return nil
}

// ChatStates lists the chat presences sent, oldest first.
func (f *Fake) ChatStates() []ChatState {
	f.Lock()
	defer f.Unlock()
	return append([]ChatState(nil), f.chatStates...)
}
