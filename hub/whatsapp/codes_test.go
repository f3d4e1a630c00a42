package whatsapp_test

import (
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
)

// Sign-in codes by WhatsApp: sent as a plain text to the number's chat
// through the connected account, the new chat counted against the daily
// cap; a number not on WhatsApp, a full cap or no connected account is an
// error, with nothing sent.
func TestSignInCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		r := newSendRig(t, s)
		codes := whatsapp.NewCodes(r.sender)
		if !codes.Available(ctx) {
			t.Fatal("a connected account is not available for codes")
		}
		if err := codes.SendCode(ctx, sendCustomer, "Код: 123456"); err != nil {
			t.Fatal(err)
		}
		sent := r.fake.Sent()
		if len(sent) != 1 || sent[0].To.User != sendCustomerDigits || sent[0].Message.GetConversation() != "Код: 123456" {
			t.Fatalf("sent %+v", sent)
		}
		if known, err := s.WAChatKnown(ctx, r.acc.ID, sendCustomer); err != nil || !known {
			t.Fatalf("the new chat was not counted: %v %v", known, err)
		}

		// Not on WhatsApp: an error, nothing sent.
		if err := codes.SendCode(ctx, "+79160000000", "Код: 654321"); err == nil {
			t.Fatal("a number not on WhatsApp got a code")
		}
		// The daily cap of new chats is full: a new number is refused.
		r.fake.Lock()
		r.fake.OnWhatsApp["79160000001"] = true
		r.fake.Unlock()
		if err := s.SetWAPacing(ctx, r.acc.ID, 1, 1); err != nil {
			t.Fatal(err)
		}
		if err := codes.SendCode(ctx, "+79160000001", "Код: 111111"); err == nil || !strings.Contains(err.Error(), "new chats") {
			t.Fatal("a code started a chat over the daily cap")
		}
		// ...while the chat already known still gets one.
		if err := codes.SendCode(ctx, sendCustomer, "Код: 222222"); err != nil {
			t.Fatal(err)
		}
		if n := len(r.fake.Sent()); n != 2 {
			t.Fatalf("%d sends, want 2", n)
		}

		// Logged out: not offered, and a send says why.
		r.setState(t, r.acc.ID, hub.WALoggedOut, nil)
		if codes.Available(ctx) {
			t.Fatal("a logged-out account is offered for codes")
		}
		if err := codes.SendCode(ctx, sendCustomer, "Код: 333333"); !errors.Is(err, whatsapp.ErrNoCodeAccount) {
			t.Fatalf("send with no account: %v", err)
		}
		if n := len(r.fake.Sent()); n != 2 {
			t.Fatalf("%d sends after logout, want 2", n)
		}
	})
}
