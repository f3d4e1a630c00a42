package app_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub/store/storetest"
)

// customerUpload starts a photo upload of the largest size a customer may
// send on the link of work order number, with the session its page gave,
// and sends only its first 9 KB, as the attack did.
func customerUpload(t *testing.T, h *apptest.Hub, base, number string) (net.Conn, *bufio.Reader) {
	t.Helper()
	path := h.CustomerPath(t, number)
	page := h.NewClient(t)
	if resp, _ := page.Do(http.MethodGet, path, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("customer page %s: %d", number, resp.StatusCode)
	}
	var cookies string
	for _, c := range page.Cookies {
		cookies += c.Name + "=" + c.Value + "; "
	}
	header := map[string]string{"Content-Type": "multipart/form-data; boundary=x", "Cookie": cookies,
		"Content-Length": strconv.Itoa(h.Config.UploadMaxBytes)}
	return sendHead(t, base, http.MethodPost, path+"/messages", header, make([]byte, 9<<10))
}

// answers reads each connection's answer in the background.
func answers(conns []net.Conn, readers []*bufio.Reader) chan *http.Response {
	out := make(chan *http.Response, len(conns))
	for i := range conns {
		go func(conn net.Conn, r *bufio.Reader) {
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				return
			}
			resp.Body.Close()
			out <- resp
		}(conns[i], readers[i])
	}
	return out
}

// Slow uploads on customer links once held the one budget of large bodies
// for as long as they trickled, and every DMS batch got 503 meanwhile.
func TestTricklingCustomerUploadsDoNotStopTheExchange(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	base := h.Listen(t)
	var conns []net.Conn
	var readers []*bufio.Reader
	for i := 1; i <= 7; i++ {
		number := fmt.Sprintf("АА-%d", i)
		h.PushWorkOrder(t, "wo-"+number, number, 1, "В работе", nil)
		conn, r := customerUpload(t, h, base, number)
		conns, readers = append(conns, conn), append(readers, r)
	}
	// One of them turned away means the customers' share is full.
	select {
	case resp := <-answers(conns, readers):
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("a customer upload while the others are held: %d, want 503", resp.StatusCode)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no customer upload was turned away")
	}

	pdf := make([]byte, 10<<20) // 14 MB in base64, as in the attack
	batch, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": "doc-big", "type": "document", "occurred_at": "2026-11-23T10:00:00",
		"document": map[string]any{"work_order_number": "АА-1", "name": "Акт.pdf",
			"data_base64": base64.StdEncoding.EncodeToString(append([]byte("%PDF-1.4\n"), pdf...))},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	conn, r := sendHead(t, base, http.MethodPost, "/api/dms/v1/events", map[string]string{
		"Authorization": "Bearer " + h.Token, "Content-Type": "application/json", "Content-Length": strconv.Itoa(len(batch))}, batch)
	if resp := readAnswer(t, conn, r); resp.StatusCode != http.StatusOK {
		t.Fatalf("a %d-byte DMS batch while customers trickle: %d, want 200", len(batch), resp.StatusCode)
	}
}

// A second upload at once on the same link is turned away, so one link
// holds at most one upload's share.
func TestASecondUploadOnTheSameLinkWaits(t *testing.T) {
	h := apptest.Start(t, storetest.SQLite(t))
	base := h.Listen(t)
	h.PushWorkOrder(t, "wo-1", "АА-1", 1, "В работе", nil)
	c1, r1 := customerUpload(t, h, base, "АА-1")
	c2, r2 := customerUpload(t, h, base, "АА-1")
	// Whichever came second is answered at once; the first is still held.
	select {
	case resp := <-answers([]net.Conn{c1, c2}, []*bufio.Reader{r1, r2}):
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("a second upload on the link: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	case <-time.After(8 * time.Second): // under the 10 s grace of the pace: no 408 yet
		t.Fatal("neither upload was answered: both are held")
	}
}
