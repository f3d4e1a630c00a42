package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A customer known to two DMS nodes by the same phone books, at the first
// node's branch, the car the other node pushed: the first node's DMS
// gets its own id of the customer (the hub links the two by the phone),
// and no vehicle id, which would mean nothing to it. The same holds for
// a car typed in, when the other node's record of the customer is the
// newer one.
func TestServiceRequestCarriesTheBranchNodesCustomerID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := bookingBranch(t, s, 2)
		spb := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &spb); err != nil {
			t.Fatal(err)
		}
		mskNode := hub.DMSNode{Name: "1c-msk", TokenHash: "hash-msk", BranchID: &f.Branch.ID}
		spbNode := hub.DMSNode{Name: "1c-spb", TokenHash: "hash-spb", BranchID: &spb.ID}
		for _, n := range []*hub.DMSNode{&mskNode, &spbNode} {
			if err := s.CreateNode(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		phone := "+79161234567"
		if _, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: mskNode.ID, ExternalID: "C-MSK", Name: "Иван", Phones: []string{phone}}); err != nil {
			t.Fatal(err)
		}
		spbCustomer, err := s.UpsertCustomer(ctx, store.CustomerData{NodeID: spbNode.ID, ExternalID: "C-SPB", Name: "Иван", Phones: []string{phone}})
		if err != nil {
			t.Fatal(err)
		}
		car, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: spbNode.ID, ExternalID: "V-SPB", CustomerID: &spbCustomer,
			Make: "Škoda", Model: "Octavia", Plate: "В456ОР78"})
		if err != nil {
			t.Fatal(err)
		}

		fromSPB := bookingRequest(f, "spb-car", bookingSlot)
		fromSPB.VehicleID, fromSPB.VehicleText = &car, ""
		typed := bookingRequest(f, "typed-car", bookingSlot.Add(2*time.Hour))
		for _, r := range []store.BookingRequest{fromSPB, typed} {
			if _, err := s.CreateBooking(ctx, r, bookingNow); err != nil {
				t.Fatal(err)
			}
		}
		changes := changesOf(t, s, f.Branch.ID, hub.ChangeServiceRequest)
		if len(changes) != 2 {
			t.Fatalf("%d service requests, want 2", len(changes))
		}
		for i, c := range changes {
			var got hub.ServiceRequestData
			if err := json.Unmarshal([]byte(c.Data), &got); err != nil {
				t.Fatal(err)
			}
			if got.CustomerExternalID != "C-MSK" || got.VehicleExternalID != "" {
				t.Errorf("request %d: customer %q vehicle %q, want MSK1's node's customer C-MSK and no vehicle id",
					i, got.CustomerExternalID, got.VehicleExternalID)
			}
		}
	})
}
