package whatsapp

import (
	"context"
	"errors"

	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub/store"
)

// handleUndecryptable keeps a message whatsmeow could not decrypt as a
// stand-in in the thread it belongs to (the inbox shows "a message could
// not be read yet"), so staff see that the customer wrote. whatsmeow has
// asked the sender and the account's phone to send it again
// (AutomaticMessageRerequestFromPhone, see NewWhatsmeowClient); when it
// comes, with the same id, handleMessage fills the stand-in instead of
// adding a second message. Messages WhatsApp marks to be hidden when
// undecryptable (reactions, edits and the like) and chats the hub keeps
// nothing of are left out. whatsmeow has acknowledged the message
// already, so false here only gets logged.
func (in *Inbound) handleUndecryptable(s Session, evt *events.UndecryptableMessage) bool {
	log := in.log.With("account_id", s.Account.ID, "wa_id", string(evt.Info.ID), "chat", evt.Info.Chat.String())
	if evt.DecryptFailMode == events.DecryptFailHide {
		log.Debug("whatsapp inbound: undecryptable message WhatsApp hides; ignored")
		return true
	}
	msg := &events.Message{Info: evt.Info}
	if why := chatIgnored(msg); why != "" {
		log.Debug("whatsapp inbound: undecryptable message ignored", "reason", why)
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	chat := evt.Info.Chat.ToNonAD().String()
	var r routed
	err := in.st.Tx(ctx, func(tx *store.Store) error {
		known, err := tx.WAInboundLookup(ctx, s.Account.ID, chat, string(evt.Info.ID))
		if err != nil {
			return err
		}
		if known.Stored || known.UnreadableID != 0 {
			return store.ErrWADuplicate
		}
		if r, err = in.route(ctx, tx, s, msg, ""); err != nil || r.ignore != "" {
			return err
		}
		r.in.Chat, r.in.WAID, r.in.Unreadable, r.in.SentAt = chat, string(evt.Info.ID), true, in.sentAt(evt.Info.Timestamp)
		if _, err = tx.AddWAInbound(ctx, r.in); err != nil {
			return err
		}
		return in.noteOnce(ctx, tx, r.in.Thread.ID, r.note)
	})
	switch {
	case errors.Is(err, store.ErrWADuplicate):
		log.Debug("whatsapp inbound: undecryptable message known already")
		return true
	case err != nil:
		log.Error("whatsapp inbound: undecryptable message not kept", "error", err)
		return false
	case r.ignore != "":
		log.Info("whatsapp inbound: undecryptable message ignored", "reason", r.ignore)
		return true
	}
	log.Warn("whatsapp inbound: a message could not be decrypted; kept as a stand-in until WhatsApp sends it again",
		"thread_id", r.in.Thread.ID, "unavailable", evt.IsUnavailable)
	return true
}
