package lockerhub_test

import (
	"errors"
	"slices"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
)

// The pickup PIN goes out once the work order is ready AND paid AND its
// keys are back in a locker, whichever of the three comes last, exactly
// once; the kiosk can match it; it dies when the keys are collected.
func TestPickupPIN(t *testing.T) {
	paid := map[string]any{"paid": true}
	tests := []struct {
		name string
		// steps run in order; each is a DMS push or a kiosk sync.
		steps func(t *testing.T, h *apptest.Hub, k *kiosk, box hub.LockerCompartment, w hub.WorkOrder)
	}{
		{"keys back before ready and paid", func(t *testing.T, h *apptest.Hub, k *kiosk, box hub.LockerCompartment, w hub.WorkOrder) {
			k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-back", lockerwire.EventKeysReturned, box, w.ID)}, Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
			h.PushWorkOrder(t, "wo-2", "ЛК-101", 2, "Готов", nil)
			noPIN(t, h, "ready, keys back, not paid")
			h.PushWorkOrder(t, "wo-3", "ЛК-101", 3, "Готов", paid)
		}},
		{"paid before ready", func(t *testing.T, h *apptest.Hub, k *kiosk, box hub.LockerCompartment, w hub.WorkOrder) {
			h.PushWorkOrder(t, "wo-2", "ЛК-101", 2, "В работе", paid)
			k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-back", lockerwire.EventKeysReturned, box, w.ID)}, Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
			noPIN(t, h, "paid, keys back, not ready")
			h.PushWorkOrder(t, "wo-3", "ЛК-101", 3, "Готов", paid)
		}},
		{"ready and paid before the keys are back", func(t *testing.T, h *apptest.Hub, k *kiosk, box hub.LockerCompartment, w hub.WorkOrder) {
			h.PushWorkOrder(t, "wo-2", "ЛК-101", 2, "Готов", paid)
			noPIN(t, h, "ready and paid, keys with staff")
			k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-back", lockerwire.EventKeysReturned, box, w.ID)}, Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
				k := newKiosk(t, h, "Main")
				h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
				w := order(t, h, "ЛК-101")
				box := k.boxes[1]
				tt.steps(t, h, k, box, w)

				msgs := thread(t, h, "ЛК-101")
				if got := sent(msgs); count(got, "locker.pickup_pin") != 1 {
					t.Fatalf("messages %v; want one locker.pickup_pin", got)
				}
				if got := sent(msgs); slices.Index(got, "status.ready") > slices.Index(got, "locker.pickup_pin") {
					t.Fatalf("the PIN came before \"ready\": %v", got)
				}
				pin := codeOf(t, msgs, "locker.pickup_pin")

				// More of the same changes nothing: no second PIN.
				h.PushWorkOrder(t, "wo-4", "ЛК-101", 4, "Готов", paid)
				resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-back-2", lockerwire.EventKeysReturned, box, w.ID)}, Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
				if got := sent(thread(t, h, "ЛК-101")); count(got, "locker.pickup_pin") != 1 {
					t.Fatalf("messages %v; want still one locker.pickup_pin", got)
				}
				wo := workOrderIn(t, resp, w.ID)
				if !wo.Ready || !wo.Paid || !lockerwire.Matches(wo.PickupHash, wo.PickupSalt, pin) {
					t.Fatalf("the kiosk cannot match the PIN sent: %+v", wo)
				}

				resp = k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-out", lockerwire.EventKeysCollected, box, w.ID)}, Compartments: k.holding(k.boxes[0], lockerwire.StateFree, 0)})
				if wo := workOrderIn(t, resp, w.ID); wo.PickupHash != "" {
					t.Fatalf("the PIN lives on after collection: %+v", wo)
				}
				if _, err := h.Store.LiveLockerCode(t.Context(), w.ID, hub.LockerCodePickup); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("live PIN after collection: %v", err)
				}
				if got := sent(thread(t, h, "ЛК-101")); count(got, "locker.collected") != 1 || count(got, "locker.pickup_pin") != 1 {
					t.Fatalf("messages %v; want one locker.collected and no new PIN", got)
				}
			})
		})
	}
}

// A payment taken back in the DMS kills the PIN sent for it.
func TestPickupPINRevokedWhenNoLongerPaid(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Готов", map[string]any{"paid": true})
		w := order(t, h, "ЛК-101")
		box := k.boxes[0]
		resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-back", lockerwire.EventKeysReturned, box, w.ID)}, Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
		if wo := workOrderIn(t, resp, w.ID); wo.PickupHash == "" {
			t.Fatalf("no PIN for a ready, paid order with its keys back: %+v", wo)
		}
		h.PushWorkOrder(t, "wo-2", "ЛК-101", 2, "Готов", map[string]any{"paid": false})
		resp = k.sync(t, lockerwire.SyncRequest{Compartments: k.holding(box, lockerwire.StateReady, w.ID)})
		if wo := workOrderIn(t, resp, w.ID); wo.PickupHash != "" || wo.Paid {
			t.Fatalf("the PIN survived the payment: %+v", wo)
		}
		if _, err := h.Store.LiveLockerCode(t.Context(), w.ID, hub.LockerCodePickup); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("live PIN after the payment was taken back: %v", err)
		}
	})
}

func noPIN(t *testing.T, h *apptest.Hub, when string) {
	t.Helper()
	if got := sent(thread(t, h, "ЛК-101")); count(got, "locker.pickup_pin") != 0 {
		t.Fatalf("%s: a PIN went out: %v", when, got)
	}
}

func adminUser(t *testing.T, h *apptest.Hub) store.User {
	t.Helper()
	u := store.User{Login: "boss", Name: "Boss", Role: store.RoleAdmin, PasswordHash: "x"}
	if err := h.Store.CreateUser(t.Context(), &u, []int64{h.Branch.ID}); err != nil {
		t.Fatal(err)
	}
	return u
}
