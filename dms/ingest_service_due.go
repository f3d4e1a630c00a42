package dms

import (
	"context"

	"naryad/hub"
)

// keepServiceDue recomputes the vehicle's home branch and predicted
// maintenance date in the event's transaction. Run after every write that
// can move either: the vehicle's service data or a mileage reading, and a
// work order naming it.
func (a *applier) keepServiceDue(ctx context.Context, vehicleID int64) error {
	return a.tx.RefreshVehicleDue(ctx, &a.zones, vehicleID)
}

// keepVehiclesDue refreshes the vehicle a saved work order names (it may
// now be that vehicle's latest, moving its home branch, and may carry
// service data or a reading) and the one it named before, if that changed.
// An update that changes none of these — most are status changes — costs
// nothing here.
func (a *applier) keepVehiclesDue(ctx context.Context, prev, doc hub.WorkOrder, exists bool, v *validVehicle) error {
	sameCar := exists && prev.BranchID == doc.BranchID &&
		(prev.VehicleID == nil) == (doc.VehicleID == nil) && (prev.VehicleID == nil || *prev.VehicleID == *doc.VehicleID)
	if sameCar && (v == nil || (!v.Data.HasService && v.MileageKm == 0)) {
		return nil
	}
	if prev.VehicleID != nil && (doc.VehicleID == nil || *doc.VehicleID != *prev.VehicleID) {
		if err := a.keepServiceDue(ctx, *prev.VehicleID); err != nil {
			return err
		}
	}
	if doc.VehicleID == nil {
		return nil
	}
	return a.keepServiceDue(ctx, *doc.VehicleID)
}
