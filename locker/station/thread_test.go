//go:build linux || darwin

package station_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// What the hub shows of a work order: its thread and its DMS feed.

// threadOf lists the messages of a work order's thread.
func threadOf(t *testing.T, h *apptest.Hub, number string) []hub.Message {
	t.Helper()
	w := workOrder(t, h, number)
	th, err := h.Store.ThreadByWorkOrder(t.Context(), w.ID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := h.Store.Messages(t.Context(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func workOrder(t *testing.T, h *apptest.Hub, number string) hub.WorkOrder {
	t.Helper()
	w, err := h.Store.WorkOrderByNumber(t.Context(), h.Node.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// sentCount counts the messages to the customer made from template key.
func sentCount(msgs []hub.Message, key string) int {
	n := 0
	for _, m := range msgs {
		if m.Direction == hub.DirectionOut && m.TemplateKey == key {
			n++
		}
	}
	return n
}

// noteCount counts the locker's lines for staff that say what.
func noteCount(msgs []hub.Message, what string) int {
	n := 0
	for _, m := range msgs {
		if m.Direction == hub.DirectionSystem && m.Author == "locker" && strings.Contains(m.Body, what) {
			n++
		}
	}
	return n
}

// lockerCode is the 6-digit code in a locker message ("…код 123456 (заказ-наряд…"),
// not the digits of the link's token.
var lockerCode = regexp.MustCompile(`\b(\d{6}) \(`)

// codeIn reads the code the customer was sent in the last message with key.
func codeIn(t *testing.T, msgs []hub.Message, key string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].TemplateKey != key {
			continue
		}
		m := lockerCode.FindStringSubmatch(msgs[i].Body)
		if m == nil {
			t.Fatalf("%s carries no code: %q", key, msgs[i].Body)
		}
		return m[1]
	}
	t.Fatalf("no %s message in the thread", key)
	return ""
}

// lockerFeed reads the whole DMS change feed and counts its locker_event
// changes by the kiosk event they carry.
func lockerFeed(t *testing.T, h *apptest.Hub) map[string]int {
	t.Helper()
	out := map[string]int{}
	after := int64(0)
	for range 100 {
		status, page := h.Get(t, fmt.Sprintf("/api/dms/v1/changes?after=%d&limit=1000", after))
		if status != http.StatusOK {
			t.Fatalf("changes after %d: %d %v", after, status, page)
		}
		changes, _ := page["changes"].([]any)
		for _, c := range changes {
			c := c.(map[string]any)
			if c["type"] != hub.ChangeLockerEvent {
				continue
			}
			data, _ := c["data"].(map[string]any)
			id, _ := data["event_id"].(string)
			out[id]++
		}
		next := int64(page["last_seq"].(float64))
		if len(changes) == 0 || next == after {
			return out
		}
		after = next
	}
	t.Fatal("the change feed did not end within 100 pages")
	return nil
}
