package customer_test

import (
	"context"
	"testing"

	"naryad/app/apptest"
)

// The customer has the page open when the advisor sends the inspection:
// the report appears live over the event stream, and the advisor must see
// it opened then, not only after the customer reloads the page.
func TestAReportShownLiveIsOpened(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		send := secOverSocket(t, h.Run(t), "127.0.0.1")
		ctx := context.Background()
		a := secPushOrder(t, h, "ЖИВ-1", estOrder("ru", "+79165550941", estLine("1", "part", "Колодки", "6800", true)))
		insp := pdfInspect(t, h, a)
		v := secOpen(t, send, a.Path)
		last, err := h.Store.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := secOpenStream(t, send, a.Path, v.cookie, last)
		s.until(t, ": replayed", secStreamWait)
		if _, err := h.Store.SendInspection(ctx, insp.ID, "Анна"); err != nil {
			t.Fatal(err)
		}
		s.until(t, `id="report"`, secStreamWait)
		if got, _ := h.Store.InspectionOf(ctx, a.WO.ID); got.CustomerOpenedAt == nil {
			t.Fatal("the report reached the open page but is not marked opened")
		}
	})
}
