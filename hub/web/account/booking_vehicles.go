package account

import (
	"context"
	"slices"

	"naryad/hub/store"
)

// garageCar is a car of the visitor's garage they may book for: one car
// per physical vehicle, however many DMS nodes know it (store.Garage).
type garageCar = store.GarageCar

// garageCars lists the visitor's garage: the cars their verified numbers
// reach, across every branch and DMS node, by the garage's own rules (a
// company's driver sees only the cars they brought).
func (h *Handler) garageCars(ctx context.Context, phones []string) ([]garageCar, error) {
	if len(phones) == 0 {
		return nil, nil
	}
	return h.store.Garage(ctx, phones)
}

// carOf finds the car a vehicle id belongs to: a reminder's link names the
// vehicle of one node, the garage keys the car by its smallest id.
func carOf(cars []garageCar, vehicleID int64) int {
	return slices.IndexFunc(cars, func(g garageCar) bool { return slices.Contains(g.VehicleIDs, vehicleID) })
}
