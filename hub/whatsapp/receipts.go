package whatsapp

import (
	"context"

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
// forward, matching each id to the message part the sender stored it for
// before sending (wa_sends), so a receipt that beats the end of its send
// still finds its message; the store ignores a report that would move one
// back, and an id the hub never sent (typed on the phone before naryad)
// changes nothing. It returns false only when the database failed, so the
// receipt comes again.
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
		found, err := in.st.UpdateDeliveryByWAID(ctx, string(id), state)
		if err != nil {
			log.Error("whatsapp receipt: not stored, WhatsApp will send it again", "wa_id", string(id), "error", err)
			return false
		}
		if !found {
			log.Debug("whatsapp receipt: no message with this id", "wa_id", string(id))
		}
	}
	return true
}
