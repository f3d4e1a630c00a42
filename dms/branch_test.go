package dms_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/cli"
	"naryad/dms"
	"naryad/hub"
)

// customerEvent, vehicleEvent and itemEvent build the events an import of
// an existing customer base sends: no work orders yet. branch "" leaves the
// field out.
func customerEvent(id, ext, branch string) map[string]any {
	c := map[string]any{"external_id": ext, "name": "Анна Смирнова", "phones": []any{"+79161234567"}}
	if branch != "" {
		c["branch"] = branch
	}
	return map[string]any{"id": id, "type": "customer", "occurred_at": "2026-11-23T10:00:00", "customer": c}
}

func vehicleEvent(id, ext, owner, branch string) map[string]any {
	v := map[string]any{"external_id": ext, "customer_external_id": owner, "make": "Škoda", "model": "Octavia",
		"service": map[string]any{"last_service_at": "2026-05-14", "interval_months": 12}}
	if branch != "" {
		v["branch"] = branch
	}
	return map[string]any{"id": id, "type": "vehicle", "occurred_at": "2026-11-23T10:00:00", "vehicle": v}
}

func itemEvent(id, ext, owner, branch string) map[string]any {
	e := map[string]any{"external_id": ext, "customer_external_id": owner, "kind": "insurance", "title": "ОСАГО", "expires_on": "2027-03-01"}
	if branch != "" {
		e["branch"] = branch
	}
	return map[string]any{"id": id, "type": "expiring_item", "occurred_at": "2026-11-23T10:00:00", "expiring_item": e}
}

// homeOf is the home branch the reminders' scans read for a vehicle (0:
// none).
func homeOf(t *testing.T, h *apptest.Hub, ext string) int64 {
	t.Helper()
	var branch *int64
	err := h.Store.Gorm(context.Background()).Raw("SELECT branch_id FROM vehicles WHERE node_id = ? AND external_id = ?", h.Node.ID, ext).Scan(&branch).Error
	if err != nil {
		t.Fatal(err)
	}
	if branch == nil {
		return 0
	}
	return *branch
}

// itemsOf lists the external ids of the expiring items the reminders'
// scan finds at a branch.
func itemsOf(t *testing.T, h *apptest.Hub, branchID int64) string {
	t.Helper()
	items, err := h.Store.ExpiringItemsOfBranch(context.Background(), branchID, "2027-01-01", "2027-12-31")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	return strings.Join(titles, ",")
}

// A node for every branch (the default of `dms token create`) in a
// deployment of one branch: what it pushes before any work order belongs
// to that branch, so its reminders go out.
func TestRecordsWithoutWorkOrdersTakeTheOnlyBranch(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		expectResults(t, h, batch(customerEvent("c1", "C-1", ""), vehicleEvent("v1", "V-1", "C-1", ""), itemEvent("i1", "I-1", "C-1", "")),
			"applied", "applied", "applied")
		if got := homeOf(t, h, "V-1"); got != h.Branch.ID {
			t.Errorf("vehicle home branch %d, want %d", got, h.Branch.ID)
		}
		if got := itemsOf(t, h, h.Branch.ID); got != "ОСАГО" {
			t.Errorf("items of the branch = %q, want the item", got)
		}
	})
}

// With several branches, `branch` on the event places the record; a
// vehicle or item without one takes its customer's; what fits no rule is
// counted where the operator looks, with how to fix it.
func TestBranchOnCustomerVehicleAndItem(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		spb := hub.Branch{Code: "SPB1", Name: "Сервис на Невском", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		// The vehicle comes before its owner: it takes the owner's branch
		// once the owner's event gives one, in the same batch.
		expectResults(t, h, batch(
			vehicleEvent("v1", "V-1", "C-1", ""),
			customerEvent("c1", "C-1", "SPB1"),
			itemEvent("i1", "I-1", "C-1", ""),
			vehicleEvent("v2", "V-2", "C-1", "MSK1"),
			itemEvent("i2", "I-2", "C-1", "MSK1"),
			customerEvent("c2", "C-2", ""),
			vehicleEvent("v3", "V-3", "C-2", ""),
			itemEvent("i3", "I-3", "C-2", ""),
			customerEvent("c3", "C-3", "NOPE"),
		), "applied", "applied", "applied", "applied", "applied", "applied", "applied", "applied", "rejected")

		if got := homeOf(t, h, "V-1"); got != spb.ID {
			t.Errorf("V-1 home %d, want the owner's branch %d", got, spb.ID)
		}
		if got := homeOf(t, h, "V-2"); got != h.Branch.ID {
			t.Errorf("V-2 home %d, want its own branch %d", got, h.Branch.ID)
		}
		if got := homeOf(t, h, "V-3"); got != 0 {
			t.Errorf("V-3 home %d, want none", got)
		}
		// "ОСАГО" is every item's title: I-1 at SPB1, I-2 at MSK1, I-3 nowhere.
		if got := itemsOf(t, h, spb.ID); got != "ОСАГО" {
			t.Errorf("items of SPB1 = %q, want one", got)
		}
		if got := itemsOf(t, h, h.Branch.ID); got != "ОСАГО" {
			t.Errorf("items of MSK1 = %q, want one", got)
		}

		out := nodesOutput(t, h)
		if !strings.Contains(out, `1c-test: 1 vehicle and 1 expiring item belong to no branch`) || !strings.Contains(out, "branch") {
			t.Errorf("dms nodes says:\n%s", out)
		}

		// A work order for C-2 places the customer, the vehicle and the item.
		wo := workOrder("w1", "АА-1", 1, "Принят")
		wo["work_order"].(map[string]any)["customer"].(map[string]any)["external_id"] = "C-2"
		wo["work_order"].(map[string]any)["branch"] = "SPB1"
		expectResults(t, h, batch(wo), "applied")
		if got := homeOf(t, h, "V-3"); got != spb.ID {
			t.Errorf("V-3 home %d after its owner's work order, want %d", got, spb.ID)
		}
		if got := itemsOf(t, h, spb.ID); got != "ОСАГО,ОСАГО" {
			t.Errorf("items of SPB1 = %q, want two", got)
		}
		if out := nodesOutput(t, h); strings.Contains(out, "belong to no branch") {
			t.Errorf("dms nodes still warns:\n%s", out)
		}
	})
}

// nodesOutput runs `naryad dms nodes` against the hub's database.
func nodesOutput(t *testing.T, h *apptest.Hub) string {
	t.Helper()
	fs := flag.NewFlagSet("dms nodes", flag.ContinueOnError)
	c := *h.Config
	run := dms.NodesCommand().Setup(fs, &c)
	var out strings.Builder
	if err := run(context.Background(), cli.IO{Stdout: &out, Stderr: &out, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
