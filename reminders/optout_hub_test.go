package reminders_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// STOP typed on the customer page opts the customer out (the hub's
// default words), and the work order's notifications still go to them.
func TestOptOutFromTheCustomerPageKeepsNotifications(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		h.PushWorkOrder(t, "e1", "АА-1", 1, "Принят", nil)
		path := h.CustomerPath(t, "АА-1")
		browser := h.NewClient(t)
		_, page := browser.Do(http.MethodGet, path, nil)
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no form on the customer page:\n%s", page)
		}
		resp, _ := browser.Do(http.MethodPost, path+"/messages", url.Values{"csrf": {m[1]}, "text": {" Стоп! "}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post STOP: %d", resp.StatusCode)
		}
		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-1")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := h.Store.CustomerOptedOut(ctx, *w.CustomerID); err != nil || !out {
			t.Fatalf("opted out = %v %v after СТОП", out, err)
		}

		h.PushWorkOrder(t, "e2", "АА-1", 2, "Готов", nil)
		th, err := h.Store.ThreadByWorkOrder(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := h.Store.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		if last.Direction != hub.DirectionOut || last.TemplateKey != templates.KeyStatusReady || last.Delivery != hub.DeliveryQueued {
			t.Fatalf("last message %+v, want the ready notification queued despite the opt-out", last)
		}
		// After the STOP: the system line and the ready notification,
		// nothing that answers the STOP.
		var after []string
		for i, m := range msgs {
			if m.Direction == hub.DirectionIn {
				for _, n := range msgs[i+1:] {
					after = append(after, n.Direction+":"+n.TemplateKey)
				}
			}
		}
		if want := []string{"system:", "out:" + templates.KeyStatusReady}; !slices.Equal(after, want) {
			t.Fatalf("after the STOP came %v, want %v", after, want)
		}
	})
}
