package customer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/web/webtest"
)

// brSMSLine is one line of the log SMS provider's file.
type brSMSLine struct {
	To       string `json:"to"`
	Body     string `json:"body"`
	ThreadID int64  `json:"thread_id"`
}

var brCustomerLink = regexp.MustCompile(`https://hub\.example\.test(/c/[A-Za-z0-9_-]+)`)

// brThreadOf is the thread of a work order.
func brThreadOf(t *testing.T, h *apptest.Hub, number string) hub.Thread {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, number)
	if err != nil {
		t.Fatalf("work order %s: %v", number, err)
	}
	th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		t.Fatalf("thread of %s: %v", number, err)
	}
	return th
}

// brLinkFromSMS waits until the outbox has written an SMS of the work
// order's thread to sms.log and returns the path of the customer link in
// it ("/c/<token>").
func brLinkFromSMS(t *testing.T, h *apptest.Hub, number string) string {
	t.Helper()
	thread := brThreadOf(t, h, number)
	path := filepath.Join(h.Config.DataDir, "sms.log")
	deadline := time.Now().Add(webtest.StepTimeout)
	var seen []brSMSLine
	for {
		seen = brReadSMSLog(t, path)
		for _, l := range seen {
			if l.ThreadID != thread.ID {
				continue
			}
			if m := brCustomerLink.FindStringSubmatch(l.Body); m != nil {
				return m[1]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no SMS with a customer link for thread %d in %s within %s; lines: %+v", thread.ID, path, webtest.StepTimeout, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func brReadSMSLog(t *testing.T, path string) []brSMSLine {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("open sms log: %v", err)
	}
	defer f.Close()
	var out []brSMSLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l brSMSLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("sms log line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// brPushMessage sends an advisor's message about a work order through the
// DMS API, as 1C would.
func brPushMessage(t *testing.T, h *apptest.Hub, eventID, number, text string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": eventID, "type": "message", "occurred_at": time.Now().Format("2006-01-02T15:04:05"),
		"message": map[string]any{"work_order_number": number, "text": text, "author": "Алексей"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := h.PostEvents(t, h.Token, body)
	if status != http.StatusOK {
		t.Fatalf("push message %s: status %d %v", eventID, status, reply)
	}
	if r := apptest.Results(t, reply)[0]; r["result"] != "applied" {
		t.Fatalf("push message %s: %v", eventID, r)
	}
}

// brChange is one entry of the DMS change feed.
type brChange struct {
	Type            string         `json:"type"`
	WorkOrderNumber string         `json:"work_order_number"`
	Data            map[string]any `json:"data"`
}

// brChanges reads the whole DMS change feed and keeps one work order's
// changes of one type.
func brChanges(t *testing.T, h *apptest.Hub, typ, number string) []brChange {
	t.Helper()
	status, page := h.Get(t, "/api/dms/v1/changes?after=0")
	if status != http.StatusOK {
		t.Fatalf("change feed: status %d %v", status, page)
	}
	raw, err := json.Marshal(page["changes"])
	if err != nil {
		t.Fatal(err)
	}
	var all []brChange
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatalf("change feed %s: %v", raw, err)
	}
	var out []brChange
	for _, c := range all {
		if c.Type == typ && c.WorkOrderNumber == number {
			out = append(out, c)
		}
	}
	return out
}

// brLineIDs maps the DMS ids of a work order's lines to the hub's, which the
// page's form fields carry.
func brLineIDs(t *testing.T, h *apptest.Hub, number string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := h.Store.Lines(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int64, len(lines))
	for _, l := range lines {
		out[l.ExternalID] = l.ID
	}
	return out
}

// brWritePhoto writes a small real PNG, as a phone camera would send.
func brWritePhoto(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(40 + x*3), G: uint8(90 + y*2), B: 160, A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "царапина.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
