package reminders_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/reminders"
	"naryad/templates"
)

// A car handed over today is asked about the next day; the customer's "8/10"
// typed on their page is the score, and the DMS reads it from the change
// feed.
func TestFeedbackFromTheCustomerPageReachesTheDMS(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		h.PushWorkOrder(t, "e1", "АА-7", 1, "Выдан", nil)
		w, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "АА-7")
		if err != nil || w.Status != hub.StatusDelivered || w.HandedOverAt == nil {
			t.Fatalf("work order %+v %v, want it delivered with a hand-over time", w, err)
		}
		texts, err := templates.New(h.Store)
		if err != nil {
			t.Fatal(err)
		}
		handed := w.HandedOverAt.In(h.Branch.Location())
		tomorrowNoon := time.Date(handed.Year(), handed.Month(), handed.Day()+1, 12, 0, 0, 0, h.Branch.Location())
		run := reminders.NewRunner(h.Store, texts, h.Server.Links(), nil, reminders.RunnerOptions{
			Rules: []reminders.Rule{reminders.NewFeedback()}, Now: func() time.Time { return tomorrowNoon },
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if res, err := run.Scan(ctx, h.Branch); err != nil || res.Sent != 1 {
			t.Fatalf("scan the day after: %+v %v, want the feedback question sent", res, err)
		}

		path := h.CustomerPath(t, "АА-7")
		browser := h.NewClient(t)
		_, page := browser.Do(http.MethodGet, path, nil)
		if !strings.Contains(page, "от 0 до 10") {
			t.Fatalf("the customer page does not show the question:\n%s", page)
		}
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no form on the customer page:\n%s", page)
		}
		resp, _ := browser.Do(http.MethodPost, path+"/messages", url.Values{"csrf": {m[1]}, "text": {"8/10"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post the score: %d", resp.StatusCode)
		}

		status, feed := h.Get(t, "/api/dms/v1/changes?after=0")
		if status != http.StatusOK {
			t.Fatalf("changes: %d %v", status, feed)
		}
		var got map[string]any
		for _, c := range feed["changes"].([]any) {
			if c := c.(map[string]any); c["type"] == hub.ChangeFeedback {
				if got != nil {
					t.Fatalf("a second feedback change: %v", c)
				}
				got = c
			}
		}
		if got == nil || got["work_order_number"] != "АА-7" {
			t.Fatalf("feed %v, want a feedback change for АА-7", feed)
		}
		data := got["data"].(map[string]any)
		if data["score"] != float64(8) || data["text"] != "8/10" || data["work_order_number"] != "АА-7" ||
			data["work_order_id"] != float64(w.ID) || data["message_id"] == nil {
			t.Fatalf("feedback data %v, want score 8 from the reply", data)
		}
	})
}
