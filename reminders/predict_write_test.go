package reminders_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/reminders"
)

// pushVehicle sends one vehicle event through the exchange, as the DMS
// would, and fails unless it is applied.
func pushVehicle(t *testing.T, h *apptest.Hub, eventID, occurredAt string, vehicle map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": []any{map[string]any{
		"id": eventID, "type": "vehicle", "occurred_at": occurredAt, "vehicle": vehicle,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	status, reply := h.PostEvents(t, h.Token, body)
	if status != http.StatusOK {
		t.Fatalf("push %s: status %d %v", eventID, status, reply)
	}
	if r := apptest.Results(t, reply)[0]; r["result"] != "applied" {
		t.Fatalf("push %s: %v", eventID, r)
	}
}

// stored is what the reminders read of a vehicle: its home branch and
// predicted service date.
func stored(t *testing.T, h *apptest.Hub, externalID string) (branchID int64, due string) {
	t.Helper()
	var row struct {
		BranchID     *int64
		ServiceDueOn *string
	}
	err := h.Store.Gorm(t.Context()).Raw("SELECT branch_id, service_due_on FROM vehicles WHERE external_id = ?", externalID).Scan(&row).Error
	if err != nil {
		t.Fatal(err)
	}
	if row.BranchID != nil {
		branchID = *row.BranchID
	}
	if row.ServiceDueOn != nil {
		due = *row.ServiceDueOn
	}
	return branchID, due
}

func TestServiceDueKeptOnWrite(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		// The hub's DMS node serves every branch, and there are two: a
		// vehicle it sends alone, without a branch or an owner, has no home
		// branch, and its date is counted in UTC.
		spb := hub.Branch{Code: "SPB1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(t.Context(), &spb); err != nil {
			t.Fatal(err)
		}
		service := map[string]any{"last_service_at": "2026-02-01T01:30:00+03:00", "last_service_mileage_km": "30000",
			"interval_months": 12, "interval_km": 15000, "tyre_season": "летние"}
		pushVehicle(t, h, "veh-1", "2026-02-01T01:30:00+03:00", map[string]any{
			"external_id": "V-1", "plate": "А123ВС77", "mileage_km": 30000, "service": service})
		if branch, due := stored(t, h, "V-1"); branch != 0 || due != "2027-01-31" {
			t.Fatalf("after the vehicle event: branch %d, due %q; want none and 2027-01-31 (UTC)", branch, due)
		}
		// The DMS's word for the tyres is stored as the season the tyre rule looks for.
		if v, err := h.Store.Vehicle(t.Context(), mustVehicleID(t, h.Store, "V-1")); err != nil || v.TyreSeason != "summer" {
			t.Fatalf("vehicle %+v, %v; want summer tyres", v, err)
		}

		// A work order at MSK1 makes it the vehicle's home: the date is
		// now counted in Moscow, where the service was on February 1.
		h.PushWorkOrder(t, "wo-1", "ЗН-1", 1, "Принят", map[string]any{
			"vehicle": map[string]any{"external_id": "V-1", "plate": "А123ВС77", "make": "Škoda", "model": "Octavia"}})
		if branch, due := stored(t, h, "V-1"); branch != h.Branch.ID || due != "2027-02-01" {
			t.Fatalf("after a work order: branch %d, due %q; want %d and 2027-02-01", branch, due, h.Branch.ID)
		}

		// A reading 90 days after the service, 9,000 km on (100 km a day):
		// 15,000 km come 60 days later, before the 12 months are up.
		pushVehicle(t, h, "veh-2", "2026-05-02T10:00:00+03:00", map[string]any{"external_id": "V-1", "plate": "А123ВС77", "mileage_km": 39000})
		if _, due := stored(t, h, "V-1"); due != "2026-07-01" {
			t.Fatalf("after a reading: due %q, want 2026-07-01", due)
		}

		// A work order at another branch, for the same car, moves its home.
		h.PushWorkOrder(t, "wo-2", "ЗН-2", 1, "Принят", map[string]any{"branch": "SPB1",
			"vehicle": map[string]any{"external_id": "V-1", "plate": "А123ВС77"}})
		if branch, _ := stored(t, h, "V-1"); branch != spb.ID {
			t.Fatalf("after a work order at SPB1: branch %d, want %d", branch, spb.ID)
		}
		// …and back when that order moves to another vehicle.
		h.PushWorkOrder(t, "wo-3", "ЗН-2", 2, "Принят", map[string]any{"branch": "SPB1",
			"vehicle": map[string]any{"external_id": "V-2", "plate": "В777ОР77"}})
		if branch, _ := stored(t, h, "V-1"); branch != h.Branch.ID {
			t.Fatalf("after its SPB1 order named another car: branch %d, want %d", branch, h.Branch.ID)
		}

		// New service data (the car was serviced) starts the next cycle;
		// without an interval there is nothing to predict.
		pushVehicle(t, h, "veh-3", "2026-06-20T12:00:00+03:00", map[string]any{"external_id": "V-1", "plate": "А123ВС77",
			"service": map[string]any{"last_service_at": "2026-06-20", "last_service_mileage_km": 44000, "interval_months": 6}})
		if _, due := stored(t, h, "V-1"); due != "2026-12-20" {
			t.Fatalf("after new service data: due %q, want 2026-12-20", due)
		}
		pushVehicle(t, h, "veh-4", "2026-06-21T12:00:00+03:00", map[string]any{"external_id": "V-1", "plate": "А123ВС77",
			"service": map[string]any{"last_service_at": "2026-06-20"}})
		if _, due := stored(t, h, "V-1"); due != "" {
			t.Fatalf("without an interval: due %q, want none", due)
		}
	})
}

func mustVehicleID(t *testing.T, s *store.Store, externalID string) int64 {
	t.Helper()
	var id int64
	if err := s.Gorm(t.Context()).Raw("SELECT id FROM vehicles WHERE external_id = ?", externalID).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("vehicle %s: %d, %v", externalID, id, err)
	}
	return id
}

// Vehicles stored before the prediction existed (an upgrade) get it from
// `naryad reminders refresh`.
func TestRefreshFillsVehiclesStoredBefore(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		h.PushWorkOrder(t, "wo-1", "ЗН-1", 1, "Принят", map[string]any{
			"vehicle": map[string]any{"external_id": "V-1", "plate": "А123ВС77"}})
		pushVehicle(t, h, "veh-1", "2026-03-01T10:00:00+03:00", map[string]any{"external_id": "V-1", "plate": "А123ВС77",
			"service": map[string]any{"last_service_at": "2026-03-01", "interval_months": 12}})
		if err := h.Store.Gorm(t.Context()).Exec("UPDATE vehicles SET branch_id = NULL, service_due_on = NULL").Error; err != nil {
			t.Fatal(err)
		}
		n, err := reminders.RefreshVehicles(t.Context(), h.Store)
		if err != nil || n != 1 {
			t.Fatalf("refresh: %d vehicles, %v", n, err)
		}
		if branch, due := stored(t, h, "V-1"); branch != h.Branch.ID || due != "2027-03-01" {
			t.Fatalf("after refresh: branch %d, due %q; want %d and 2027-03-01", branch, due, h.Branch.ID)
		}
	})
}
