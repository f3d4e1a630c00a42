package payments_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// An unsigned notification claiming success before the payment went
// through (forged by someone who saw the payment's id, or early) is
// fetched back as pending and must not use up its event id: the real
// notification, with the same id, still settles the payment.
func TestUnsignedNoticeFetchedPendingDoesNotUseUpItsEventID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderYooKassa)
		sess := sessionOf(e.start(t, "order"))
		event := "payment.succeeded:" + sess + ":succeeded"
		if got := e.webhook(t, e.key, noticeBody(event, sess, hub.PaymentSucceeded, 1250000), ""); got != 200 {
			t.Fatalf("early notice: %d", got)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentPending {
			t.Fatalf("an unsigned notice was believed: %+v", p)
		}
		e.psp.Pay(sess, 1250000, "sbp")
		if got := e.webhook(t, e.key, noticeBody(event, sess, hub.PaymentSucceeded, 1250000), ""); got != 200 {
			t.Fatalf("real notice: %d", got)
		}
		if p := e.payments(t)[0]; p.Status != hub.PaymentSucceeded {
			t.Fatalf("the real notice was taken for a repeat: %+v", p)
		}
		if c := e.changes(t, hub.ChangePayment); len(c) != 1 {
			t.Fatalf("payment changes: %d", len(c))
		}
		if got := e.webhook(t, e.key, noticeBody(event, sess, hub.PaymentSucceeded, 1250000), ""); got != 200 || len(e.changes(t, hub.ChangePayment)) != 1 {
			t.Fatalf("a repeat after success: %d", got)
		}
	})
}

// A notification naming a payment id no provider makes (a NUL, bytes that
// are not UTF-8, a megabyte) is not a notification: a 400, never a
// database error (500).
func TestNoticeWithAnImpossibleIDIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderYooKassa)
		for _, id := range []string{`pay\u0000`, "pay\xff", strings.Repeat("p", 1<<20)} {
			for _, body := range []string{
				`{"event":"e1","status":"succeeded","session":"` + id + `"}`,
				`{"event":"` + id + `","status":"succeeded","session":"sess_1"}`,
			} {
				if got := e.webhook(t, e.key, []byte(body), ""); got >= 500 {
					t.Fatalf("%.60q: %d", body, got)
				}
			}
		}
	})
}

// A webhook address whose key is not text (raw bytes in the request line,
// as a client may send them) is an address no branch has: 404 before the
// database is asked. PostgreSQL refuses such a parameter: it was a 500.
func TestWebhookKeyOfRawBytesIsUnknown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		e := newEnv(t, s, hub.ProviderYooKassa)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = e.app.Listener(ln) }()
		t.Cleanup(func() { _ = e.app.Shutdown() })
		for _, key := range []string{"\xff\xfe", "abc\xc3"} {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "POST /api/payments/%s/%s HTTP/1.1\r\nHost: hub\r\nContent-Length: 2\r\n\r\n{}", e.name, key)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			conn.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("key %q: %d, want 404", key, resp.StatusCode)
			}
		}
	})
}
