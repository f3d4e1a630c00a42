package report_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// The report shows each of the user's branches' work orders handed over
// in the period and how many were paid online, with the money per
// currency; another branch's figures stay out.
func TestReportShowsOnlinePaymentShare(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		ctx := context.Background()
		h.PushWorkOrder(t, "e3", "ЗН-1", 2, "Выдан", nil)
		h.PushWorkOrder(t, "e4", "ЗН-3", 1, "Выдан", nil)
		h.PushWorkOrder(t, "e5", "ЗН-4", 1, "Выдан", nil)
		h.PushWorkOrder(t, "e6", "ЗН-5", 1, "Выдан", map[string]any{"branch": "SPB1"})
		for i, number := range []string{"ЗН-1", "ЗН-5"} {
			th := thread(t, h, number)
			p := hub.Payment{BranchID: th.BranchID, WorkOrderID: *th.WorkOrderID, ThreadID: &th.ID, Kind: hub.PaymentForWorkOrder,
				AmountMinor: 1_250_050, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: "k" + number,
				Status: hub.PaymentSucceeded, PaidMinor: 1_250_050 - int64(i)}
			if err := h.Store.CreatePayment(ctx, &p); err != nil {
				t.Fatal(err)
			}
		}
		resp, page := w.signIn(t, "anna").Do(http.MethodGet, "/reports", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		want := "<tr><td>MSK1</td><td>3</td><td>1</td><td>33.3\u00a0%</td><td>RUB\u00a012,500.50</td></tr>"
		if !strings.Contains(page, "Online payments") || !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
		if strings.Contains(page, "12,500.49") || strings.Contains(page, "SPB1") {
			t.Errorf("anna sees another branch's payments:\n%s", page)
		}

		_, page = w.signIn(t, "oleg").Do(http.MethodGet, "/reports?from=2025-03-01&to=2025-03-31", nil)
		if want := "<tr><td>SPB1</td><td>0</td><td>0</td><td>—</td><td>—</td></tr>"; !strings.Contains(page, want) {
			t.Errorf("a period with nothing handed over: page lacks %q:\n%s", want, page)
		}
	})
}
