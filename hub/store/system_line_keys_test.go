package store_test

import (
	"context"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// Lines as the code before keys wrote them (body only) get keys at
// start-up, once; a line it does not know, a customer's message and a
// line written with a key stay as they are.
func TestKeyOldSystemLinesOnlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		old := []hub.Message{
			{Direction: hub.DirectionSystem, Author: "customer", Body: "Customer declined «Замена колодок» (1800.00)"},
			{Direction: hub.DirectionSystem, Author: "locker", Body: `Locker "Север", box 1: door opened for a drop-off.`},
			{Direction: hub.DirectionSystem, Author: "naryad", Body: "Paid online: RUB 1,500.00 (stripe payment pi_1)."},
			{Direction: hub.DirectionIn, Body: "Customer declined «Замена колодок» (1800.00)"},
			hub.SystemLine(0, "naryad", templates.SysFeedbackScore, map[string]string{"score": "9"}),
		}
		for i := range old {
			old[i].ThreadID = f.Thread.ID
			if err := s.AddMessage(ctx, &old[i]); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.KeyOldSystemLines(ctx)
		if err != nil || n != 2 {
			t.Fatalf("first run: keyed %d, %v; want 2", n, err)
		}
		if n, err := s.KeyOldSystemLines(ctx); err != nil || n != 0 {
			t.Fatalf("second run: keyed %d, %v; want 0", n, err)
		}
		msgs, err := s.Messages(ctx, f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ key, pl string }{
			{templates.SysDecisionDeclined, "Klient odrzucił «Замена колодок» (1 800,00)"},
			{templates.SysLockerEvent, "Skrytka «Север», schowek 1: drzwiczki otwarte do zostawienia kluczy."},
			{"", "Paid online: RUB 1,500.00 (stripe payment pi_1)."},
			{"", "Customer declined «Замена колодок» (1800.00)"},
			{templates.SysFeedbackScore, "Ocena klienta: 9/10"},
		}
		if len(msgs) != len(want) {
			t.Fatalf("%d messages, want %d", len(msgs), len(want))
		}
		for i, m := range msgs {
			if m.TextKey != want[i].key || m.Text(templates.LocalePL) != want[i].pl {
				t.Errorf("message %d: key %q, pl %q; want %q, %q", i, m.TextKey, m.Text(templates.LocalePL), want[i].key, want[i].pl)
			}
			if m.Body != old[i].Body {
				t.Errorf("message %d: body changed to %q", i, m.Body)
			}
		}
	})
}

// A decision is stored as a key with the line's name, total and currency:
// a Russian-context line reads in Polish, money by the Polish locale.
func TestDecisionLineIsStoredAsAKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		lines := []hub.WorkOrderLine{{ExternalID: "1", Position: 1, Kind: hub.LineLabor, Name: "Замена колодок",
			QtyMilli: 1000, UnitPriceMinor: 180000, TotalMinor: 180000, NeedsApproval: true}}
		if err := s.ReplaceLines(ctx, f.Order.ID, lines); err != nil {
			t.Fatal(err)
		}
		stored, err := s.Lines(ctx, f.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		ev := store.Evidence{By: "customer", IP: "203.0.113.7", UserAgent: "test", At: time.Now()}
		w := f.Order
		w.Currency = "RUB" // as the DMS sends it (the fixture's order has none)
		if _, err := s.DecideLines(ctx, w, f.Thread, []store.Decision{{LineID: stored[0].ID, Decision: hub.DecisionDeclined}}, ev); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		if last.Direction != hub.DirectionSystem || last.TextKey != templates.SysDecisionDeclined {
			t.Fatalf("decision line %+v", last)
		}
		if got, want := last.Text(templates.LocalePL), "Klient odrzucił «Замена колодок» (1 800,00 RUB)"; got != want {
			t.Errorf("pl: %q, want %q", got, want)
		}
		if got, want := last.Text(templates.LocaleRU), "Клиент отказался от «Замена колодок» (1 800,00 ₽)"; got != want {
			t.Errorf("ru: %q, want %q", got, want)
		}
		if got, want := last.Body, "Customer declined «Замена колодок» (RUB 1,800.00)"; got != want {
			t.Errorf("body: %q, want %q", got, want)
		}
		if n, err := s.KeyOldSystemLines(ctx); err != nil || n != 0 {
			t.Errorf("a keyed line keyed again: %d, %v", n, err)
		}
	})
}

// A second start-up reads only messages written since the first: a line
// below the mark is not looked at again (here one whose key was cleared,
// which a rescan would key anew), a line written after it is. More lines
// than one batch are walked to the end.
func TestKeyOldSystemLinesRemembersWhereItStopped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		add := func(body string) hub.Message {
			t.Helper()
			m := hub.Message{ThreadID: f.Thread.ID, Direction: hub.DirectionSystem, Author: "customer", Body: body}
			if err := s.AddMessage(ctx, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		for i := 0; i < 501; i++ { // more than a batch of lines nobody recognises
			add("An old line nobody knows")
		}
		first := add("Customer declined «Замена колодок» (1800.00)")
		if n, err := s.KeyOldSystemLines(ctx); err != nil || n != 1 {
			t.Fatalf("first start-up: keyed %d, %v; want 1", n, err)
		}
		if err := s.Gorm(ctx).Exec("UPDATE messages SET text_key = '' WHERE id = ?", first.ID).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.KeyOldSystemLines(ctx); err != nil || n != 0 {
			t.Fatalf("second start-up looked below its mark: keyed %d, %v", n, err)
		}
		later := add("Customer approved «Масло» (900.00)")
		if n, err := s.KeyOldSystemLines(ctx); err != nil || n != 1 {
			t.Fatalf("a line written after the mark: keyed %d, %v; want 1", n, err)
		}
		m, err := s.Message(ctx, later.ID)
		if err != nil || m.TextKey == "" {
			t.Fatalf("the later line %+v, %v", m, err)
		}
		if m, _ := s.Message(ctx, first.ID); m.TextKey != "" {
			t.Errorf("the line below the mark was read again: key %q", m.TextKey)
		}
	})
}
