package dms_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// A phone that refused service messages gets the DMS's status
// notifications only on its page: no SMS or WhatsApp is queued for them,
// the inbox sees why, and nothing reaches the DMS as a failed delivery.
// An advisor's own words still go, and a phone that gives consent back
// gets the next notice by SMS again.
func TestRefusedServiceMessagesStayOnThePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		const phone = "+79161234567" // 8 (916) 123-45-67 of workOrder
		if _, err := h.Store.SetConsent(ctx, phone, store.ConsentService, false, store.ConsentFromAccount, time.Now()); err != nil {
			t.Fatal(err)
		}
		advisor := map[string]any{"id": "m1", "type": "message", "occurred_at": "2026-11-23T10:05:00",
			"message": map[string]any{"work_order_number": "АА-7", "text": "Колодки приедут завтра."}}
		expectResults(t, h, batch(workOrder("e1", "АА-7", 1, "В работе"), advisor), "applied", "applied")

		th := h.Thread(t, "АА-7")
		msgs, err := h.Store.Messages(ctx, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		delivery := map[string]string{}
		for _, m := range msgs {
			if m.Direction != hub.DirectionOut {
				continue
			}
			delivery[m.TemplateKey] = m.Delivery
			_, err := h.Store.OutboxByMessage(ctx, m.ID)
			queued := err == nil
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			if want := m.TemplateKey == "message.advisor"; queued != want {
				t.Errorf("%s: queued for sending %v, want %v", m.TemplateKey, queued, want)
			}
		}
		if delivery["status.in_progress"] != hub.DeliveryPageOnly || delivery["estimate.request"] != hub.DeliveryPageOnly ||
			delivery["message.advisor"] != hub.DeliveryQueued {
			t.Fatalf("deliveries %v", delivery)
		}
		var failedChanges int64
		if err := h.Store.Gorm(ctx).Table("changes").Where("type = ?", hub.ChangeDeliveryFailed).Count(&failedChanges).Error; err != nil {
			t.Fatal(err)
		}
		if failedChanges != 0 {
			t.Errorf("%d delivery_failed changes for the DMS", failedChanges)
		}

		// The customer's page shows both notices.
		resp := h.Do(t, httptest.NewRequest("GET", h.CustomerPath(t, "АА-7"), nil))
		b, _ := io.ReadAll(resp.Body)
		if page := html.UnescapeString(string(b)); resp.StatusCode != 200 || strings.Count(page, `data-delivery="page_only"`) != 2 ||
			!strings.Contains(page, "Начали работы по заказ-наряду АА-7") {
			t.Fatalf("customer page: %d\n%s", resp.StatusCode, page)
		}
		before := len(msgs)

		// Consent given back: the next status change goes by SMS.
		if _, err := h.Store.SetConsent(ctx, phone, store.ConsentService, true, store.ConsentFromAccount, time.Now()); err != nil {
			t.Fatal(err)
		}
		expectResults(t, h, batch(workOrder("e2", "АА-7", 2, "Готов")), "applied")
		msgs, _ = h.Store.Messages(ctx, th.ID)
		if len(msgs) <= before {
			t.Fatal("no notice for the second status")
		}
		last := msgs[len(msgs)-1]
		if item, err := h.Store.OutboxByMessage(ctx, last.ID); err != nil || last.Delivery != hub.DeliveryQueued || item.Recipient != phone {
			t.Fatalf("after consent given back: %s %s %+v %v", last.TemplateKey, last.Delivery, item, err)
		}
	})
}
