package whatsapp_test

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// The real client keeps decrypted messages until a handler took them, and
// asks the phone again for one it cannot decrypt.
func TestWhatsmeowClientBuffersDecryptedMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r := newConnRig(t, s, b, whatsapp.ManagerOptions{})
		jid := r.device("48500100200")
		d, err := r.sessions.Device(context.Background(), jid)
		if err != nil || d == nil {
			t.Fatalf("device %v %v", d, err)
		}
		cli, ok := whatsapp.NewWhatsmeowClient(d).(*whatsmeow.Client)
		if !ok {
			t.Fatal("NewWhatsmeowClient is not whatsmeow's client")
		}
		if !cli.EnableDecryptedEventBuffer || !cli.AutomaticMessageRerequestFromPhone || !cli.SynchronousAck || cli.EnableAutoReconnect {
			t.Fatalf("client settings: buffer %v, rerequest %v, synchronous ack %v, auto reconnect %v",
				cli.EnableDecryptedEventBuffer, cli.AutomaticMessageRerequestFromPhone, cli.SynchronousAck, cli.EnableAutoReconnect)
		}
		// The buffer's table is there, in the session store of this backend.
		hash := sha256.Sum256([]byte("ciphertext"))
		ctx := context.Background()
		if err := d.EventBuffer.PutBufferedEvent(ctx, hash, []byte("plaintext"), time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := d.EventBuffer.GetBufferedEvent(ctx, hash)
		if err != nil || got == nil || string(got.Plaintext) != "plaintext" {
			t.Fatalf("buffered event %+v, %v", got, err)
		}
	})
}

// redeliveryRig is a running manager whose events go to a real Inbound.
func redeliveryRig(t *testing.T, s *store.Store, b storetest.Backend) (*connRig, *connGate) {
	t.Helper()
	in := whatsapp.NewInbound(s, hub.NewMedia(filepath.Join(t.TempDir(), "media")),
		whatsapp.InboundOptions{Logger: slog.New(slog.DiscardHandler)})
	r := newConnRig(t, s, b, whatsapp.ManagerOptions{Handler: in.Handle})
	return r, r.useGate()
}

// breakInbound makes storing messages fail (as with a database that is
// down) until the returned function mends it.
func breakInbound(t *testing.T, s *store.Store) func() {
	t.Helper()
	db := s.Gorm(context.Background())
	if err := db.Exec("ALTER TABLE wa_inbound RENAME TO wa_inbound_away").Error; err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := db.Exec("ALTER TABLE wa_inbound_away RENAME TO wa_inbound").Error; err != nil {
			t.Fatal(err)
		}
	}
}

// leadMessages lists the messages of the branch's lead threads.
func leadMessages(t *testing.T, s *store.Store, branchID int64) []hub.Message {
	t.Helper()
	var out []hub.Message
	err := s.Gorm(context.Background()).Raw(`SELECT m.* FROM messages m JOIN threads t ON t.id = m.thread_id
		WHERE t.branch_id = ? AND t.work_order_id IS NULL AND m.direction = ? ORDER BY m.id`, branchID, hub.DirectionIn).Scan(&out).Error
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A message that could not be stored is not acknowledged; the session
// reconnects (after a backoff that grows while storing keeps failing) and
// the redelivery, readable thanks to the decrypted-event buffer, is stored.
func TestUnstoredMessageIsDeliveredAgainAfterAReconnect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r, gate := redeliveryRig(t, s, b)
		r.reg.Setup = func(f *watest.Fake) { f.DecryptedEventBuffer = true } // as NewWhatsmeowClient
		acc, f := r.runConnected("main", "48500100200")
		mend := breakInbound(t, s)
		msg := watest.Direct(watest.PhoneJID("79161234567"), "LOST1", "Иван", watest.Text("не потеряйте"))
		if f.Deliver(msg) {
			t.Fatal("a message that could not be stored was acknowledged")
		}
		if n := gate.next(t); n != 1 {
			t.Fatalf("redelivery backoff attempt %d, want 1", n)
		}
		if f.IsConnected() || f.Connects() != 1 {
			t.Fatalf("before the backoff: connected %v, %d connects", f.IsConnected(), f.Connects())
		}
		gate.release() // still broken: delivered again, failed again, a longer wait
		if n := gate.next(t); n != 2 {
			t.Fatalf("second redelivery backoff attempt %d, want 2", n)
		}
		mend()
		gate.release()
		watest.Eventually(t, "the message stored", func() bool { return len(leadMessages(t, s, r.branch.ID)) == 1 })
		if got := leadMessages(t, s, r.branch.ID); got[0].Body != "не потеряйте" {
			t.Fatalf("stored %+v", got)
		}
		r.waitState(acc.ID, hub.WAConnected)
		if f.Queued() != 0 || len(f.Lost()) != 0 {
			t.Fatalf("server still holds %d, lost %v", f.Queued(), f.Lost())
		}
		// A new failure after a success starts the backoff from 1 again.
		mend = breakInbound(t, s)
		f.Deliver(watest.Direct(watest.PhoneJID("79161234567"), "LOST2", "Иван", watest.Text("ещё")))
		if n := gate.next(t); n != 1 {
			t.Fatalf("backoff after a stored message: attempt %d, want 1", n)
		}
		mend()
		gate.release()
		watest.Eventually(t, "the second message stored", func() bool { return len(leadMessages(t, s, r.branch.ID)) == 2 })
	})
}

// The fake, like whatsmeow, loses a message redelivered after its handler
// failed when the buffer is off: the reason NewWhatsmeowClient turns it on.
func TestWithoutTheBufferARedeliveredMessageIsLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r, gate := redeliveryRig(t, s, b)
		_, f := r.runConnected("main", "48500100200")
		mend := breakInbound(t, s)
		f.Deliver(watest.Direct(watest.PhoneJID("79161234567"), "GONE", "Иван", watest.Text("?")))
		gate.next(t)
		mend()
		gate.release()
		watest.Eventually(t, "the redelivery", func() bool { return len(f.Lost()) == 1 })
		if got := leadMessages(t, s, r.branch.ID); len(got) != 0 {
			t.Fatalf("stored %+v", got)
		}
	})
}

// Messages sent while the client is away wait on the server for the next
// connection.
func TestMessagesWaitOnTheServerWhileDisconnected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, b storetest.Backend) {
		r, gate := redeliveryRig(t, s, b)
		acc, f := r.runConnected("main", "48500100200")
		f.Drop()
		gate.next(t)
		if f.Deliver(watest.Direct(watest.PhoneJID("79161234567"), "AWAY", "Иван", watest.Text("вы тут?"))) {
			t.Fatal("delivered to a client that is not connected")
		}
		gate.release()
		watest.Eventually(t, "the message stored", func() bool { return len(leadMessages(t, s, r.branch.ID)) == 1 })
		r.waitState(acc.ID, hub.WAConnected)
	})
}
