package customer_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
)

// Fifteen confirms of the same review at once, on a car whose red pads
// line is declined and whose wipers line is approved: exactly one
// line_decision change per line, one inspection_report change, and one
// declined_work row for the pads, over real sockets on both databases.
func TestFifteenConfirmsAtOnceStoreEachThingOnce(t *testing.T) {
	const copies = 15
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Run(t)
		send := secOverSocket(t, base, "127.0.0.1")
		phone := "+79165550961"
		fields := estOrder("ru", phone,
			estLine("1", "labor", "Diagnostics", "1000", false),
			estLine("2", "part", "Brake pads", "6800", true),
			estLine("3", "part", "Wipers", "900", true))
		fields["vehicle"] = map[string]any{"external_id": "V-15", "customer_external_id": "C" + phone,
			"plate": "А015АА77", "make": "Lada", "model": "Vesta"}
		a := secPushOrder(t, h, "ПЯТН-15", fields)
		ctx := context.Background()
		insp := pdfInspect(t, h, a) // its first item is red
		items, err := h.Store.InspectionItems(ctx, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		repTieLine(t, h, a.line(t, h, "2").ID, items[0].Code)
		pdfSend(t, h, insp)
		v := secOpen(t, send, a.Path)
		review := estReview(t, send, v, url.Values{
			estKey(a.line(t, h, "2")): {hub.DecisionDeclined}, estKey(a.line(t, h, "3")): {hub.DecisionApproved}})
		confirm := estForm(review).Encode()
		client := &http.Client{
			Transport:     &http.Transport{DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext, MaxIdleConnsPerHost: copies},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       60 * time.Second,
		}
		gate := make(chan struct{})
		var wg sync.WaitGroup
		codes := make([]int, copies)
		for i := range copies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, base+a.Path+"/estimate", strings.NewReader(confirm))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", "nrd_c="+v.cookie)
				<-gate
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}()
		}
		close(gate)
		wg.Wait()
		for _, c := range codes {
			if c != http.StatusSeeOther {
				t.Errorf("answers %v, want only 303s (no 500)", codes)
				break
			}
		}
		count := map[string]int{}
		for _, c := range secFeed(t, h) {
			if c.WorkOrderNumber == a.Number {
				count[c.Type]++
			}
		}
		if count[hub.ChangeLineDecision] != 2 || count[hub.ChangeInspectionReport] != 1 {
			t.Errorf("changes %v, want 2 line decisions and 1 inspection report", count)
		}
		if a.WO.VehicleID == nil {
			t.Fatal("the order has no vehicle")
		}
		rows, err := h.Store.DeclinedWorkOfVehicle(ctx, *a.WO.VehicleID)
		if err != nil || len(rows) != 1 || rows[0].ItemCode != items[0].Code || rows[0].TotalMinor != 680000 {
			t.Errorf("declined work %+v (%v), want the pads once at 6 800", rows, err)
		}
	})
}
