package dms

import (
	"context"
	"errors"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// applyWorkOrder upserts a work order document, version-guarded, and queues
// what the customer must hear about: a new canonical status, new lines to
// approve. Parts the event left out keep what is stored (see merge). It
// runs in three steps: resolve (reads only, so it may still reject the
// event), save, and notify.
func (a *applier) applyWorkOrder(ctx context.Context, w *validWorkOrder) (string, error) {
	u, err := a.resolveWorkOrder(ctx, w)
	if err != nil {
		return "", err
	}
	claimed, err := a.tx.ClaimEvent(ctx, a.node.ID, a.event.ID, a.event.Type)
	if err != nil {
		return "", err
	}
	if !claimed {
		return store.EventDuplicate, nil
	}
	if u.exists && u.prev.Version >= w.Version {
		return store.EventStale, a.tx.MarkEventStale(ctx, a.node.ID, a.event.ID)
	}
	saved, err := a.saveWorkOrder(ctx, u)
	if err != nil {
		return "", err
	}
	if !saved {
		// A concurrent writer stored a newer version between our read and
		// our write; the guard in the UPDATE kept it.
		return store.EventStale, a.tx.MarkEventStale(ctx, a.node.ID, a.event.ID)
	}
	if err := a.notifyWorkOrder(ctx, u); err != nil {
		return "", err
	}
	return store.EventApplied, nil
}

// workOrderUpdate is one work order event on its way through
// applyWorkOrder: what resolving it found, then what saving it stored.
type workOrderUpdate struct {
	w *validWorkOrder

	// Set by resolveWorkOrder.
	prev      hub.WorkOrder // the stored work order; zero when new
	exists    bool
	canonical string // the customer status after the event
	mapped    bool   // the event sent a raw status that maps to a customer status
	// keepPaid: the event says unpaid, but the customer paid onlinePaid
	// online, at least the amount due: the order stays paid (resolvePaid).
	keepPaid   bool
	onlinePaid int64

	// Set by saveWorkOrder.
	doc           hub.WorkOrder
	statusChanged bool                // the customer status changed
	vehicle       hub.Vehicle         // the vehicle the event sent, for the messages
	recipient     string              // the sent customer's first phone
	newlyPending  []hub.WorkOrderLine // lines that now wait for the customer's answer
	storedLines   []hub.WorkOrderLine // the lines before the event, when it sent lines for a stored work order
	thread        threadLink
}

// resolveWorkOrder reads what the event applies to: the stored work
// order, the lines again in its currency, the customer status the event's
// raw status maps to. It writes nothing, so it may still reject the event.
func (a *applier) resolveWorkOrder(ctx context.Context, w *validWorkOrder) (*workOrderUpdate, error) {
	prev, err := a.tx.WorkOrderByNumber(ctx, a.node.ID, w.Number)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err := a.linesInStoredCurrency(w, prev, exists); err != nil {
		return nil, err
	}
	if !w.Sent.Status {
		w.RawStatus = prev.RawStatus
	}
	u := &workOrderUpdate{w: w, prev: prev, exists: exists, canonical: prev.Status}
	if w.Sent.Status && w.RawStatus != "" {
		c, mapped, err := a.canonicalStatus(ctx, w.Branch.ID, w.RawStatus)
		if err != nil {
			return nil, err
		}
		if u.mapped = mapped; mapped {
			u.canonical = c
		}
	}
	if err := a.resolvePaid(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// saveWorkOrder stores the event: its customer and vehicle, the work
// order itself (false when a newer version won meanwhile, and nothing
// else is written), its lines, and its thread's side of it.
func (a *applier) saveWorkOrder(ctx context.Context, u *workOrderUpdate) (bool, error) {
	customerID, vehicleID, err := a.saveParties(ctx, u)
	if err != nil {
		return false, err
	}
	w, prev := u.w, u.prev
	doc := merge(prev, w)
	doc.NodeID, doc.Status, doc.CustomerID, doc.VehicleID, doc.OpenedAt = a.node.ID, u.canonical, customerID, vehicleID, a.event.OccurredAt
	if u.keepPaid {
		doc.Paid = true
	}
	u.statusChanged = u.canonical != "" && u.canonical != prev.Status
	if u.statusChanged && u.canonical == hub.StatusDelivered {
		doc.HandedOverAt = &a.event.OccurredAt
	}
	saved, err := a.tx.SaveWorkOrder(ctx, &doc)
	if err != nil || !saved {
		return false, err
	}
	u.doc = doc
	if err := a.keepVehiclesDue(ctx, prev, doc, u.exists, w.Vehicle); err != nil {
		return false, err
	}
	if w.Sent.Lines {
		if u.newlyPending, u.storedLines, err = a.replaceLines(ctx, doc.ID, u.exists, w.Lines); err != nil {
			return false, err
		}
	}
	if err := a.supersedePayments(ctx, u); err != nil {
		return false, err
	}
	return true, a.saveThreadSide(ctx, u)
}

// saveParties stores the customer and the vehicle the event sent and
// returns the ids the work order keeps: the stored ones for a part the
// event left out, nil for one it sent as null.
func (a *applier) saveParties(ctx context.Context, u *workOrderUpdate) (customerID, vehicleID *int64, err error) {
	w := u.w
	customerID = u.prev.CustomerID
	if w.Sent.Customer {
		customerID = nil
		if w.Customer != nil {
			id, err := a.tx.UpsertCustomer(ctx, *w.Customer)
			if err != nil {
				return nil, nil, err
			}
			customerID = &id
			if len(w.Customer.Phones) > 0 {
				u.recipient = w.Customer.Phones[0]
			}
		}
	}
	if customerID != nil {
		a.placed[*customerID] = true // the work order's branch may place their vehicles
	}
	vehicleID = u.prev.VehicleID
	if w.Sent.Vehicle {
		vehicleID = nil
		if w.Vehicle != nil {
			knownExt, knownID := "", int64(0)
			if w.Customer != nil {
				knownExt, knownID = w.Customer.ExternalID, *customerID
			}
			id, err := a.saveVehicle(ctx, w.Vehicle, knownExt, knownID)
			if err != nil {
				return nil, nil, err
			}
			vehicleID = &id
			u.vehicle = hub.Vehicle{Make: w.Vehicle.Data.Make, Model: w.Vehicle.Data.Model, Plate: w.Vehicle.Data.Plate}
		}
	}
	return customerID, vehicleID, nil
}

// saveThreadSide gives the saved work order its thread (and link), starts
// or lifts the link's expiry, adds a step to the status timeline, and
// tells live pages the order changed.
func (a *applier) saveThreadSide(ctx context.Context, u *workOrderUpdate) error {
	w := u.w
	t, err := a.threadFor(ctx, u.doc, u.exists, w.Sent.Customer, u.recipient)
	if err != nil {
		return err
	}
	if u.exists && u.doc.AdvisorExternalID != u.prev.AdvisorExternalID {
		// The DMS handed the car to another advisor: an automatic assignee follows.
		if err := a.tx.FollowWorkOrderAdvisor(ctx, t.thread.ID); err != nil {
			return err
		}
	}
	u.thread = t
	if err := a.expireLinks(ctx, t, u.prev.Status, u.canonical); err != nil {
		return err
	}
	if w.RawStatus != "" && w.RawStatus != u.prev.RawStatus {
		step := hub.StatusChange{WorkOrderID: u.doc.ID, RawStatus: w.RawStatus, ChangedAt: a.event.OccurredAt}
		if u.mapped {
			step.Status = u.canonical
		}
		if err := a.tx.RecordStatusChange(ctx, &step); err != nil {
			return err
		}
	}
	return a.tx.AppendOrderEvent(ctx, t.thread)
}

// notifyWorkOrder tells people what the saved event means for them: staff
// about a raw status with no customer status, the customer about a new
// status and new lines to approve, and then (through the key locker) about
// the codes the work order now needs.
func (a *applier) notifyWorkOrder(ctx context.Context, u *workOrderUpdate) error {
	w, t := u.w, u.thread
	if w.RawStatus != "" && !u.mapped && w.RawStatus != u.prev.RawStatus {
		note := hub.SystemLine(t.thread.ID, "naryad", templates.SysStatusUnmapped, map[string]string{"status": w.RawStatus})
		if err := a.tx.AddMessage(ctx, &note); err != nil {
			return err
		}
	}
	if u.keepPaid {
		if err := a.raisePaidTask(ctx, u); err != nil {
			return err
		}
	}
	if u.statusChanged || len(u.newlyPending) > 0 {
		notice := notice{order: u.doc, branch: w.Branch, vehicle: u.vehicle, customer: w.Customer, thread: t, recipient: t.thread.Phone}
		err := a.storedParties(ctx, &notice, w)
		if err != nil {
			return err
		}
		if u.statusChanged {
			if u.canonical == hub.StatusReady {
				if notice.payMinor, err = a.payOnline(ctx, u.doc); err != nil {
					return err
				}
			}
			if err := a.queue(ctx, notice, "status."+u.canonical); err != nil {
				return err
			}
		}
		if len(u.newlyPending) > 0 {
			notice.pending = u.newlyPending
			if err := a.queue(ctx, notice, "estimate.request"); err != nil {
				return err
			}
		}
	}
	hasLockers, err := a.hasLockers(ctx, u.doc.BranchID)
	if err != nil || !hasLockers {
		return err
	}
	// After the status message: "your car is ready" comes before the PIN
	// to collect its keys.
	queued, err := a.lockers.WorkOrderSaved(ctx, a.tx, u.doc, !u.exists)
	if err != nil {
		return err
	}
	a.queued = a.queued || queued
	return nil
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
	if w.Sent.AmountDue {
		doc.AmountDueMinor = w.AmountDue
	}
	return doc
}

// linesInStoredCurrency reads the lines and the amount due again when the
// event left the currency out and the stored work order's currency has
// other decimal places than the branch's default they were validated in.
// It runs before the first write, so a price with too many places rejects
// the event.
func (a *applier) linesInStoredCurrency(w *validWorkOrder, prev hub.WorkOrder, exists bool) error {
	if w.Sent.Currency || !exists || !(w.Sent.Lines || w.Sent.AmountDue) {
		return nil
	}
	scale, ok := currencyScale(prev.Currency)
	if !ok || scale == w.linesScale {
		return nil
	}
	var p problems
	w.Lines, w.TotalMinor = validateLines(w.rawLines, scale, &p)
	w.AmountDue = amountDue(w.rawAmountDue, scale, &p)
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
// an earlier decision no longer holds), and the lines stored before.
func (a *applier) replaceLines(ctx context.Context, workOrderID int64, exists bool, lines []hub.WorkOrderLine) (pending, old []hub.WorkOrderLine, err error) {
	waitedBefore := map[string]bool{}
	removed := false
	if exists {
		old, err = a.tx.Lines(ctx, workOrderID)
		if err != nil {
			return nil, nil, err
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
		return nil, nil, err
	}
	for _, l := range lines {
		if l.NeedsApproval && !waitedBefore[l.ExternalID+"\x00"+itoa(l.TotalMinor)] {
			pending = append(pending, l)
		}
	}
	return pending, old, nil
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
