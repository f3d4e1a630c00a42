package dms

import (
	"context"
	"errors"

	"naryad/hub"
	"naryad/hub/store"
)

// applyWorkOrder upserts a work order document, version-guarded, and queues
// what the customer must hear about: a new canonical status, new lines to
// approve. Parts the event left out keep what is stored (see merge).
func (a *applier) applyWorkOrder(ctx context.Context, w *validWorkOrder) (string, error) {
	prev, err := a.tx.WorkOrderByNumber(ctx, a.node.ID, w.Number)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if err := a.linesInStoredCurrency(w, prev, exists); err != nil {
		return "", err
	}
	if !w.Sent.Status {
		w.RawStatus = prev.RawStatus
	}
	canonical, mapped := prev.Status, false
	if w.Sent.Status && w.RawStatus != "" {
		var c string
		if c, mapped, err = a.canonicalStatus(ctx, w.Branch.ID, w.RawStatus); err != nil {
			return "", err
		}
		if mapped {
			canonical = c
		}
	}

	claimed, err := a.tx.ClaimEvent(ctx, a.node.ID, a.event.ID, a.event.Type)
	if err != nil {
		return "", err
	}
	if !claimed {
		return store.EventDuplicate, nil
	}
	if exists && prev.Version >= w.Version {
		return store.EventStale, a.tx.MarkEventStale(ctx, a.node.ID, a.event.ID)
	}

	customerID, recipient := prev.CustomerID, ""
	if w.Sent.Customer {
		customerID = nil
		if w.Customer != nil {
			id, err := a.tx.UpsertCustomer(ctx, *w.Customer)
			if err != nil {
				return "", err
			}
			customerID = &id
			if len(w.Customer.Phones) > 0 {
				recipient = w.Customer.Phones[0]
			}
		}
	}
	if customerID != nil {
		a.placed[*customerID] = true // the work order's branch may place their vehicles
	}
	vehicleID := prev.VehicleID
	var vehicle hub.Vehicle
	if w.Sent.Vehicle {
		vehicleID = nil
		if w.Vehicle != nil {
			knownExt, knownID := "", int64(0)
			if w.Customer != nil {
				knownExt, knownID = w.Customer.ExternalID, *customerID
			}
			id, err := a.saveVehicle(ctx, w.Vehicle, knownExt, knownID)
			if err != nil {
				return "", err
			}
			vehicleID = &id
			vehicle = hub.Vehicle{Make: w.Vehicle.Data.Make, Model: w.Vehicle.Data.Model, Plate: w.Vehicle.Data.Plate}
		}
	}

	doc := merge(prev, w)
	doc.NodeID, doc.Status, doc.CustomerID, doc.VehicleID, doc.OpenedAt = a.node.ID, canonical, customerID, vehicleID, a.event.OccurredAt
	statusChanged := canonical != "" && canonical != prev.Status
	if statusChanged && canonical == hub.StatusDelivered {
		doc.HandedOverAt = &a.event.OccurredAt
	}
	saved, err := a.tx.SaveWorkOrder(ctx, &doc)
	if err != nil {
		return "", err
	}
	if !saved {
		// A concurrent writer stored a newer version between our read and
		// our write; the guard in the UPDATE kept it.
		return store.EventStale, a.tx.MarkEventStale(ctx, a.node.ID, a.event.ID)
	}
	if err := a.keepVehiclesDue(ctx, prev, doc, exists, w.Vehicle); err != nil {
		return "", err
	}

	var newlyPending []hub.WorkOrderLine
	if w.Sent.Lines {
		if newlyPending, err = a.replaceLines(ctx, doc.ID, exists, w.Lines); err != nil {
			return "", err
		}
	}
	t, err := a.threadFor(ctx, doc, exists, w.Sent.Customer, recipient)
	if err != nil {
		return "", err
	}
	if err := a.expireLinks(ctx, t, prev.Status, canonical); err != nil {
		return "", err
	}
	if w.RawStatus != "" && w.RawStatus != prev.RawStatus {
		step := hub.StatusChange{WorkOrderID: doc.ID, RawStatus: w.RawStatus, ChangedAt: a.event.OccurredAt}
		if mapped {
			step.Status = canonical
		}
		if err := a.tx.RecordStatusChange(ctx, &step); err != nil {
			return "", err
		}
	}
	if err := a.tx.AppendOrderEvent(ctx, t.thread); err != nil {
		return "", err
	}

	if w.RawStatus != "" && !mapped && w.RawStatus != prev.RawStatus {
		note := hub.Message{ThreadID: t.thread.ID, Direction: hub.DirectionSystem, Author: "naryad",
			Body: "DMS status «" + w.RawStatus + "» is not mapped to a customer status; no message was sent. Map it in the branch settings."}
		if err := a.tx.AddMessage(ctx, &note); err != nil {
			return "", err
		}
	}
	if statusChanged || len(newlyPending) > 0 {
		notice := notice{order: doc, branch: w.Branch, vehicle: vehicle, customer: w.Customer, thread: t, recipient: t.thread.Phone}
		if err := a.storedParties(ctx, &notice, w); err != nil {
			return "", err
		}
		if statusChanged {
			if err := a.queue(ctx, notice, "status."+canonical); err != nil {
				return "", err
			}
		}
		if len(newlyPending) > 0 {
			notice.pending = newlyPending
			if err := a.queue(ctx, notice, "estimate.request"); err != nil {
				return "", err
			}
		}
	}
	hasLockers, err := a.hasLockers(ctx, doc.BranchID)
	if err != nil {
		return "", err
	}
	if hasLockers {
		// After the status message: "your car is ready" comes before the
		// PIN to collect its keys.
		queued, err := a.lockers.WorkOrderSaved(ctx, a.tx, doc, !exists)
		if err != nil {
			return "", err
		}
		a.queued = a.queued || queued
	}
	return store.EventApplied, nil
}

// merge is the stored work order (zero for a new one) with what the event
// changed: the parts it sent replace the stored ones, sent as null they
// clear them, and the parts it left out stay. The caller sets the status,
// customer and vehicle, which need the store.
func merge(prev hub.WorkOrder, w *validWorkOrder) hub.WorkOrder {
	doc := prev
	doc.BranchID, doc.Number, doc.Version, doc.RawStatus = w.Branch.ID, w.Number, w.Version, w.RawStatus
	if w.Sent.Advisor {
		doc.AdvisorExternalID, doc.AdvisorName, doc.AdvisorPhone = w.Advisor.ExternalID, w.Advisor.Name, w.Advisor.Phone
	}
	if w.Sent.Master {
		doc.MasterName, doc.MasterPhone = w.Master.Name, w.Master.Phone
	}
	if w.Sent.PromisedAt {
		doc.PromisedAt = w.PromisedAt
	}
	if w.Sent.Paid {
		doc.Paid = w.Paid
	}
	if w.Sent.Currency || prev.Currency == "" {
		doc.Currency = w.Currency
	}
	if w.Sent.Lines {
		doc.TotalMinor = w.TotalMinor
	}
	return doc
}

// linesInStoredCurrency reads the lines again when the event left the
// currency out and the stored work order's currency has other decimal
// places than the branch's default they were validated in. It runs before
// the first write, so a price with too many places rejects the event.
func (a *applier) linesInStoredCurrency(w *validWorkOrder, prev hub.WorkOrder, exists bool) error {
	if w.Sent.Currency || !exists || !w.Sent.Lines {
		return nil
	}
	scale, ok := currencyScale(prev.Currency)
	if !ok || scale == w.linesScale {
		return nil
	}
	var p problems
	w.Lines, w.TotalMinor = validateLines(w.rawLines, scale, &p)
	w.linesScale = scale
	if err := p.err(); err != nil {
		return errRejected{err.Error()}
	}
	return nil
}

// storedParties fills in, for a message, the customer and vehicle the
// event left out but the work order still has.
func (a *applier) storedParties(ctx context.Context, n *notice, w *validWorkOrder) error {
	if !w.Sent.Customer && n.order.CustomerID != nil {
		c, err := a.tx.Customer(ctx, *n.order.CustomerID)
		if err != nil {
			return err
		}
		n.customer = &store.CustomerData{Name: c.Name, Locale: c.Locale}
	}
	if !w.Sent.Vehicle && n.order.VehicleID != nil {
		v, err := a.tx.Vehicle(ctx, *n.order.VehicleID)
		if err != nil {
			return err
		}
		n.vehicle = v
	}
	return nil
}

// replaceLines stores the document's lines and returns the lines that now
// wait for the customer's approval and did not before (new, or re-priced so
// an earlier decision no longer holds).
func (a *applier) replaceLines(ctx context.Context, workOrderID int64, exists bool, lines []hub.WorkOrderLine) ([]hub.WorkOrderLine, error) {
	waitedBefore := map[string]bool{}
	removed := false
	if exists {
		old, err := a.tx.Lines(ctx, workOrderID)
		if err != nil {
			return nil, err
		}
		keep := map[string]bool{}
		for _, l := range lines {
			keep[l.ExternalID] = true
		}
		for _, l := range old {
			removed = removed || !keep[l.ExternalID]
		}
		for _, l := range old {
			if l.NeedsApproval {
				// Undecided lines were already asked about; decided lines
				// keep their decision unless the total changes.
				waitedBefore[l.ExternalID+"\x00"+itoa(l.TotalMinor)] = true
			}
		}
	}
	save := a.tx.UpsertLines
	if removed {
		save = a.tx.ReplaceLines
	}
	if err := save(ctx, workOrderID, lines); err != nil {
		return nil, err
	}
	var pending []hub.WorkOrderLine
	for _, l := range lines {
		if l.NeedsApproval && !waitedBefore[l.ExternalID+"\x00"+itoa(l.TotalMinor)] {
			pending = append(pending, l)
		}
	}
	return pending, nil
}

// hasLockers tells whether the branch has a key locker the ingest must
// give codes for, looked up once per batch.
func (a *applier) hasLockers(ctx context.Context, branchID int64) (bool, error) {
	if a.lockers == nil {
		return false, nil
	}
	if has, ok := a.lockerBranches[branchID]; ok {
		return has, nil
	}
	has, err := a.lockers.BranchHasLocker(ctx, a.tx, branchID)
	if err != nil {
		return false, err
	}
	a.lockerBranches[branchID] = has
	return has, nil
}
