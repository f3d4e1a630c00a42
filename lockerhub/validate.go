package lockerhub

import (
	"context"
	"slices"

	"naryad/hub"
	"naryad/lockerwire"
)

// Limits on what a kiosk may send.
const (
	maxEventIDLen = 64
	maxActorLen   = 100
	maxDetailLen  = 1000
)

// knownKinds lists every event kind a kiosk may report.
var knownKinds = []string{
	lockerwire.EventDoorOpened, lockerwire.EventKeysReceived, lockerwire.EventNoItem, lockerwire.EventDropOffAborted,
	lockerwire.EventKeysTaken, lockerwire.EventKeysReturned, lockerwire.EventKeysCollected, lockerwire.EventItemLeft,
	lockerwire.EventPINLockout, lockerwire.EventDoorLeftOpen, lockerwire.EventDoorClosed, lockerwire.EventRemoteOpen,
	lockerwire.EventBoardOffline, lockerwire.EventBoardOnline, lockerwire.EventStateRebuilt, lockerwire.EventUnexpected,
}

// knownStates lists every compartment state a kiosk may report.
var knownStates = []string{
	lockerwire.StateFree, lockerwire.StateOpen, lockerwire.StateHeld, lockerwire.StateWithStaff,
	lockerwire.StateReady, lockerwire.StateAttention, lockerwire.StateBroken,
}

// validate checks a request before anything is written, so a bad one
// stores nothing and says what is wrong with which event. Compartments of
// other sites in the snapshot are not an error: the mirror skips them (a
// kiosk may still list a box an admin removed).
func (s *Service) validate(ctx context.Context, site hub.LockerSite, compartments []hub.LockerCompartment, req lockerwire.SyncRequest) error {
	if len(req.Events) > lockerwire.MaxEvents {
		return invalidf("%d events in one request; the limit is %d", len(req.Events), lockerwire.MaxEvents)
	}
	ours := make(map[int64]bool, len(compartments))
	for _, c := range compartments {
		ours[c.ID] = true
	}
	var orderIDs []int64
	for i, e := range req.Events {
		at := func(format string, args ...any) error {
			return invalidf("events[%d] (id %q): "+format, append([]any{i, e.ID}, args...)...)
		}
		switch {
		case e.ID == "":
			return at("id is empty")
		case len(e.ID) > maxEventIDLen:
			return at("id is longer than %d characters", maxEventIDLen)
		case !slices.Contains(knownKinds, e.Kind):
			return at("unknown kind %q", e.Kind)
		case e.OccurredAt.IsZero():
			return at("occurred_at is missing")
		case e.CompartmentID != 0 && !ours[e.CompartmentID]:
			return at("compartment_id %d is not a compartment of this locker", e.CompartmentID)
		case len(e.Actor) > maxActorLen:
			return at("actor is longer than %d characters", maxActorLen)
		case len(e.Detail) > maxDetailLen:
			return at("detail is longer than %d characters", maxDetailLen)
		}
		if e.WorkOrderID != 0 {
			orderIDs = append(orderIDs, e.WorkOrderID)
		}
	}
	for i, c := range req.Compartments {
		if !ours[c.ID] {
			continue
		}
		if !slices.Contains(knownStates, c.State) {
			return invalidf("compartments[%d] (id %d): unknown state %q", i, c.ID, c.State)
		}
		if c.WorkOrderID != 0 {
			orderIDs = append(orderIDs, c.WorkOrderID)
		}
	}
	return s.checkOrders(ctx, site, req, ours, orderIDs)
}

// checkOrders refuses work order ids that are not the site's branch's, and
// entries of courtesy cars' keys (lockerwire.LoanKeysID) that are not its
// loans.
func (s *Service) checkOrders(ctx context.Context, site hub.LockerSite, req lockerwire.SyncRequest, ours map[int64]bool, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var orders, loans []int64
	for _, id := range ids {
		if loanID, ok := lockerwire.LoanOf(id); ok {
			loans = append(loans, loanID)
		} else {
			orders = append(orders, id)
		}
	}
	slices.Sort(orders)
	slices.Sort(loans)
	foundOrders, err := s.store.BranchWorkOrderIDs(ctx, site.BranchID, slices.Compact(orders))
	if err != nil {
		return err
	}
	foundLoans, err := s.store.BranchLoanIDs(ctx, site.BranchID, slices.Compact(loans))
	if err != nil {
		return err
	}
	known := make(map[int64]bool, len(foundOrders)+len(foundLoans))
	for _, id := range foundOrders {
		known[id] = true
	}
	for _, id := range foundLoans {
		known[lockerwire.LoanKeysID(id)] = true
	}
	for i, e := range req.Events {
		if e.WorkOrderID != 0 && !known[e.WorkOrderID] {
			return invalidf("events[%d] (id %q): work_order_id %d is not a %s of this locker's branch", i, e.ID, e.WorkOrderID, entryKind(e.WorkOrderID))
		}
	}
	for i, c := range req.Compartments {
		if ours[c.ID] && c.WorkOrderID != 0 && !known[c.WorkOrderID] {
			return invalidf("compartments[%d] (id %d): work_order_id %d is not a %s of this locker's branch", i, c.ID, c.WorkOrderID, entryKind(c.WorkOrderID))
		}
	}
	return nil
}

// entryKind names what an entry id stands for, in a refusal.
func entryKind(id int64) string {
	if lockerwire.IsLoanKeys(id) {
		return "courtesy-car loan"
	}
	return "work order"
}
