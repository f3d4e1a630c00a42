package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
	"naryad/migrations"
)

const (
	waCustomers = 1000 // each with one open work order
	waMessages  = 3000 // three messages per customer, for each path
)

// BenchmarkWhatsAppInbound times storing customers' WhatsApp messages
// through the channel's event handler (sender resolved, thread found among
// the customer's open work orders, duplicate guard, contact and chat rows,
// opt-out check, customer_message change) against the customer page's
// path in the same run: the store's AddCustomerMessage on a known thread.
// The ratio is the price of routing and of never storing a message twice.
func BenchmarkWhatsAppInbound(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		h := apptest.Start(b, backend)
		suffix := ""
		if h.Store.Dialect() == migrations.Postgres {
			suffix = "_pg"
		}
		ctx := context.Background()
		threads := seedWAOrders(b, h)
		acc := hub.WAAccount{BranchID: h.Branch.ID, Name: "bench"}
		if err := h.Store.CreateWAAccount(ctx, &acc); err != nil {
			b.Fatal(err)
		}
		in := whatsapp.NewInbound(h.Store, hub.NewMedia(filepath.Join(backend.DataDir, "media")), whatsapp.InboundOptions{})
		session := whatsapp.Session{Account: acc, Client: watest.New(nil)}

		start := time.Now()
		for i := range waMessages {
			c := i % waCustomers
			evt := watest.Direct(watest.PhoneJID(waDigits(c)), fmt.Sprintf("3A%014d", i), "Клиент", watest.Text("Когда будет готово?"))
			if !in.Handle(session, evt) {
				b.Fatalf("message %d not stored", i)
			}
		}
		wa := time.Since(start)

		start = time.Now()
		for i := range waMessages {
			if _, err := h.Store.AddCustomerMessage(ctx, threads[i%waCustomers], "Когда будет готово?", "web", nil); err != nil {
				b.Fatal(err)
			}
		}
		web := time.Since(start)

		perSec := func(d time.Duration) float64 { return waMessages / d.Seconds() }
		fmt.Printf("BENCH wa_inbound_msgs_per_s%s %.0f msg/s\n", suffix, perSec(wa))
		fmt.Printf("BENCH web_inbound_msgs_per_s%s %.0f msg/s\n", suffix, perSec(web))
		fmt.Printf("BENCH wa_inbound_ratio%s %.2f x\n", suffix, wa.Seconds()/web.Seconds())
	}
}

// waDigits is customer c's number without '+'.
func waDigits(c int) string { return fmt.Sprintf("7916%07d", c) }

// seedWAOrders pushes one open work order per customer through the
// exchange, 100 per request, and returns their threads in customer order.
func seedWAOrders(b *testing.B, h *apptest.Hub) []hub.Thread {
	b.Helper()
	at := time.Now().In(h.Branch.Location()).Format("2006-01-02T15:04:05")
	for lo := 0; lo < waCustomers; lo += 100 {
		events := make([]any, 0, 100)
		for c := lo; c < min(lo+100, waCustomers); c++ {
			events = append(events, map[string]any{"id": fmt.Sprintf("wa-%d", c), "type": "work_order", "occurred_at": at,
				"work_order": map[string]any{"number": fmt.Sprintf("WA-%06d", c), "version": 1, "branch": h.Branch.Code, "status": "В работе",
					"customer": map[string]any{"external_id": fmt.Sprintf("WC-%d", c), "name": "Клиент", "phones": []any{"+" + waDigits(c)}}}})
		}
		body, err := json.Marshal(map[string]any{"events": events})
		if err != nil {
			b.Fatal(err)
		}
		if status, reply := h.PostEvents(b, h.Token, body); status != http.StatusOK {
			b.Fatalf("seed: %d %v", status, reply)
		}
	}
	threads := make([]hub.Thread, waCustomers)
	for c := range threads {
		threads[c] = h.Thread(b, fmt.Sprintf("WA-%06d", c))
	}
	return threads
}
