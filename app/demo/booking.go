package demo

import (
	"context"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
)

// The demo branches' booking settings, so a customer of `make run` can
// book a visit from their account: directory fields, a small catalogue in
// ru/pl/en, capacity for every kind and a holiday. Saving is idempotent
// (each setter replaces), so every demo run leaves the same settings.

// demoBooking is one branch's settings.
type demoBooking struct {
	rules    hub.BranchBooking
	services []hub.Service
	capacity map[string][2]int // kind → slot minutes, places per slot
	holidays map[string]string // day → name
}

var (
	moscowBooking = demoBooking{
		rules: hub.BranchBooking{City: "Москва", Address: "ул. Складочная, 1, стр. 4", Brands: []string{"Kia", "Hyundai", "Skoda"},
			CancelHours: 2, HorizonDays: 60, LeadMinutes: 60},
		services: demoServices(),
		capacity: map[string][2]int{hub.KindMaintenance: {60, 3}, hub.KindTyres: {30, 2}, hub.KindDiagnostics: {60, 1}, hub.KindOther: {60, 1}},
		holidays: map[string]string{"2026-12-31": "Новый год", "2027-01-01": "Новый год", "2027-01-07": "Рождество"},
	}
	warsawBooking = demoBooking{
		rules: hub.BranchBooking{City: "Warszawa", Address: "ul. Marywilska 34", Brands: []string{"Skoda", "Volkswagen"},
			CancelHours: 4, HorizonDays: 45, LeadMinutes: 120},
		services: demoServices(),
		capacity: map[string][2]int{hub.KindMaintenance: {60, 2}, hub.KindTyres: {30, 2}, hub.KindDiagnostics: {60, 1}},
		holidays: map[string]string{"2026-12-25": "Boże Narodzenie", "2026-12-26": "Drugi dzień świąt", "2027-01-01": "Nowy Rok"},
	}
)

// demoServices is the catalogue both demo branches offer.
func demoServices() []hub.Service {
	return []hub.Service{
		{Code: "to-oil", Kind: hub.KindMaintenance, NameRU: "ТО: масло и фильтры", NamePL: "Przegląd: olej i filtry", NameEN: "Service: oil and filters", Minutes: 60, Position: 1},
		{Code: "to-full", Kind: hub.KindMaintenance, NameRU: "Регламентное ТО", NamePL: "Przegląd okresowy", NameEN: "Scheduled service", Minutes: 120, Position: 2},
		{Code: "tyres-swap", Kind: hub.KindTyres, NameRU: "Сезонная смена шин", NamePL: "Sezonowa wymiana opon", NameEN: "Seasonal tyre change", Minutes: 40, Position: 3},
		{Code: "diag-engine", Kind: hub.KindDiagnostics, NameRU: "Диагностика двигателя", NamePL: "Diagnostyka silnika", NameEN: "Engine diagnostics", Minutes: 60, Position: 4},
		{Code: "diag-suspension", Kind: hub.KindDiagnostics, NameRU: "Диагностика подвески", NamePL: "Diagnostyka zawieszenia", NameEN: "Suspension check", Minutes: 45, Position: 5},
	}
}

// seedBooking stores one branch's booking settings.
func seedBooking(ctx context.Context, st *store.Store, b hub.Branch, d demoBooking) error {
	if err := st.SetBranchBooking(ctx, b.ID, d.rules); err != nil {
		return fmt.Errorf("demo booking rules of %s: %w", b.Code, err)
	}
	for _, svc := range d.services {
		svc.BranchID = b.ID
		if err := st.SaveService(ctx, &svc); err != nil {
			return fmt.Errorf("demo service %s of %s: %w", svc.Code, b.Code, err)
		}
	}
	for kind, c := range d.capacity {
		if err := st.SetCapacity(ctx, b.ID, kind, c[0], c[1]); err != nil {
			return fmt.Errorf("demo %s capacity of %s: %w", kind, b.Code, err)
		}
	}
	for day, name := range d.holidays {
		if err := st.AddHoliday(ctx, b.ID, day, name); err != nil {
			return fmt.Errorf("demo holiday %s of %s: %w", day, b.Code, err)
		}
	}
	return nil
}
