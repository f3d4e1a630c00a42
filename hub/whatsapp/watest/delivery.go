package watest

import (
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// queuedMessage is a message WhatsApp's server holds for the device until
// it is acknowledged; decrypted tells it was handed over once already, so
// the device's signal session has moved past its ciphertext.
type queuedMessage struct {
	evt       *events.Message
	decrypted bool
}

// Deliver sends a message from WhatsApp's server as whatsmeow receives it:
// connected, it is decrypted and handed to the hub, and acknowledged only
// when every handler succeeded (the hub runs SynchronousAck). A message
// not acknowledged, or sent while the client is disconnected, stays on the
// server and comes again at the next Connect. What whatsmeow then does
// with a message it decrypted once already depends on DecryptedEventBuffer:
// off, the ciphertext no longer decrypts (the signal counter moved on),
// whatsmeow logs it, acknowledges it and the message is lost (see Lost);
// on, the buffered plaintext is handed over again. Deliver reports whether
// the message was acknowledged now.
func (f *Fake) Deliver(evt *events.Message) bool {
	f.Lock()
	connected := f.connected
	if !connected {
		f.queued = append(f.queued, queuedMessage{evt: evt})
	}
	f.Unlock()
	if !connected {
		return false
	}
	if f.Emit(evt) {
		return true
	}
	f.Lock()
	f.queued = append(f.queued, queuedMessage{evt: evt, decrypted: true})
	f.Unlock()
	return false
}

// redeliver hands over, after a Connect, what the server still holds.
func (f *Fake) redeliver() {
	f.Lock()
	queued := f.queued
	f.queued = nil
	buffered := f.DecryptedEventBuffer
	f.Unlock()
	for i, q := range queued {
		if q.decrypted && !buffered {
			f.Lock()
			f.lost = append(f.lost, q.evt.Info.ID)
			f.Unlock()
			continue
		}
		if !f.IsConnected() { // the hub dropped the connection meanwhile: the rest waits
			f.Lock()
			f.queued = append(f.queued, queued[i:]...)
			f.Unlock()
			return
		}
		if !f.Emit(q.evt) {
			f.Lock()
			f.queued = append(f.queued, queuedMessage{evt: q.evt, decrypted: true})
			f.Unlock()
		}
	}
}

// Queued counts the messages the server holds for the next Connect.
func (f *Fake) Queued() int { f.Lock(); defer f.Unlock(); return len(f.queued) }

// Lost lists the messages whatsmeow could not decrypt on redelivery and
// dropped (only without DecryptedEventBuffer).
func (f *Fake) Lost() []types.MessageID {
	f.Lock()
	defer f.Unlock()
	return append([]types.MessageID(nil), f.lost...)
}

// refusal is RefuseConnect's answer for attempt n (0: accepted).
func (f *Fake) refusal(n int) events.ConnectFailureReason {
	f.Lock()
	refuse := f.RefuseConnect
	f.Unlock()
	if refuse == nil {
		return 0
	}
	return refuse(n)
}

// refusalEvent is the event whatsmeow emits for a connect failure
// (connectionevents.go, handleConnectFailure): 405 is ClientOutdated, a
// logged-out reason LoggedOut, 402 a TemporaryBan, anything else a
// ConnectFailure.
func refusalEvent(reason events.ConnectFailureReason) any {
	switch {
	case reason == events.ConnectFailureClientOutdated:
		return &events.ClientOutdated{}
	case reason.IsLoggedOut():
		return &events.LoggedOut{OnConnect: true, Reason: reason}
	case reason == events.ConnectFailureTempBanned:
		return &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}
	}
	return &events.ConnectFailure{Reason: reason}
}

// Undecryptable is what whatsmeow emits for a message it could not
// decrypt (it then asks the sender, and with
// AutomaticMessageRerequestFromPhone the account's phone, to send it
// again; the answer comes as an events.Message with the same id).
func Undecryptable(msg *events.Message) *events.UndecryptableMessage {
	return &events.UndecryptableMessage{Info: msg.Info}
}
