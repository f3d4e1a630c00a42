package whatsapp

import (
	"context"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"naryad/hub"
)

// receiptStates maps the receipts that report on the customer's side to
// the delivery state they prove. Other types (our own devices' read-self
// and sender receipts, retries, history syncs) say nothing about the
// customer.
var receiptStates = map[types.ReceiptType]string{
	types.ReceiptTypeDelivered: hub.DeliveryDelivered,
	types.ReceiptTypeRead:      hub.DeliveryRead,
	types.ReceiptTypePlayed:    hub.DeliveryRead, // a voice note or view-once file opened
}

// handleReceipt moves the delivery state of the messages the hub sent
// (matched on messages.provider_id, the plain WhatsApp id the sender
// stored) forward; the store ignores a report that would move one back.
// It returns false only when the database failed, so the receipt comes
// again.
func (in *Inbound) handleReceipt(s Session, evt *events.Receipt) bool {
	log := in.log.With("account_id", s.Account.ID, "chat", evt.Chat.String(), "receipt", string(evt.Type))
	state, ok := receiptStates[evt.Type]
	switch {
	case evt.Type == types.ReceiptTypeServerError:
		log.Warn("whatsapp receipt: server error", "ids", evt.MessageIDs)
		return true
	case !ok || evt.IsFromMe:
		log.Debug("whatsapp receipt: ignored", "ids", evt.MessageIDs)
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	for _, id := range evt.MessageIDs {
		found, err := in.st.UpdateDeliveryByProviderID(ctx, string(id), state, "")
		if err != nil {
			log.Error("whatsapp receipt: not stored, WhatsApp will send it again", "wa_id", string(id), "error", err)
			return false
		}
		if !found {
			in.applyLater(string(id), state, log, 0)
		}
	}
	return true
}

// receiptRetries are the waits before a receipt whose message was not
// found is applied again. WhatsApp may report "delivered" before the
// outbox has recorded the provider's id of a message it has just sent
// (the id is written after SendMessage returns); after the last wait the
// id is taken to be one the hub never sent (typed on the phone before
// naryad, say).
var receiptRetries = []time.Duration{time.Second, 5 * time.Second, 20 * time.Second}

// applyLater applies a receipt again after the try-th wait, until its
// message is found or the waits run out.
func (in *Inbound) applyLater(id, state string, log *slog.Logger, try int) {
	if try >= len(receiptRetries) {
		log.Debug("whatsapp receipt: no message with this id", "wa_id", id)
		return
	}
	time.AfterFunc(receiptRetries[try], func() {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		defer cancel()
		found, err := in.st.UpdateDeliveryByProviderID(ctx, id, state, "")
		if err != nil {
			log.Error("whatsapp receipt: late update failed", "wa_id", id, "error", err)
			return
		}
		if !found {
			in.applyLater(id, state, log, try+1)
		}
	})
}
