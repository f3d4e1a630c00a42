package lockerhub

import (
	"context"
	"errors"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// recorder stores one sync's events inside its transaction.
type recorder struct {
	*Service
	tx           *store.Store
	texts        *templates.Renderer // renders with overrides read through tx
	site         hub.LockerSite
	branch       hub.Branch
	compartments map[int64]hub.LockerCompartment
	orders       map[int64]hub.WorkOrder
	queued       bool // a message for a customer was queued
}

func newRecorder(s *Service, tx *store.Store, site hub.LockerSite, branch hub.Branch, compartments []hub.LockerCompartment) *recorder {
	r := &recorder{
		Service: s, tx: tx, texts: s.texts.WithOverrides(tx), site: site, branch: branch,
		compartments: make(map[int64]hub.LockerCompartment, len(compartments)), orders: map[int64]hub.WorkOrder{},
	}
	for _, c := range compartments {
		r.compartments[c.ID] = c
	}
	return r
}

// record stores an event unless the site has it already and, when it is
// new, does what it calls for.
func (r *recorder) record(ctx context.Context, e lockerwire.Event) error {
	row := hub.LockerEvent{
		SiteID: r.site.ID, EventUID: e.ID, Kind: e.Kind, OccurredAt: e.OccurredAt,
		CompartmentID: ref(e.CompartmentID), CommandID: ref(e.CommandID),
		Actor: e.Actor, Detail: e.Detail,
	}
	loanID, isLoan := lockerwire.LoanOf(e.WorkOrderID)
	if isLoan {
		row.LoanID = &loanID
	} else {
		row.WorkOrderID = ref(e.WorkOrderID)
	}
	isNew, err := r.tx.InsertLockerEvent(ctx, &row)
	if err != nil || !isNew {
		return err
	}
	var order *hub.WorkOrder
	if e.WorkOrderID != 0 && !isLoan {
		w, err := r.order(ctx, e.WorkOrderID)
		if err != nil {
			return err
		}
		order = &w
	}
	box, hasBox := r.compartments[e.CompartmentID]
	if order != nil {
		if err := r.note(ctx, *order, describe(r.site, box, hasBox, e), e.OccurredAt); err != nil {
			return err
		}
	}
	if err := r.appendChange(ctx, row, order, box, hasBox); err != nil {
		return err
	}
	if err := r.alarm(ctx, row, box, hasBox); err != nil {
		return err
	}
	if err := r.react(ctx, e, order); err != nil {
		return err
	}
	if isLoan {
		return r.loanEvent(ctx, e, loanID, box, hasBox)
	}
	return nil
}

// react does what an event means beyond recording it: the customer hears
// about their keys, a remote opening is done, a used PIN dies.
func (r *recorder) react(ctx context.Context, e lockerwire.Event, order *hub.WorkOrder) error {
	if e.Kind == lockerwire.EventRemoteOpen && e.CommandID != 0 {
		if err := r.tx.MarkLockerCommandDone(ctx, r.site.ID, e.CommandID, e.OccurredAt); err != nil {
			return err
		}
	}
	if order == nil {
		return nil
	}
	if e.Detail == lockerwire.DetailReopen {
		// The same keys once more after "I forgot something": the
		// customer was told when it first happened.
		return nil
	}
	var queued bool
	var err error
	switch e.Kind {
	case lockerwire.EventKeysReceived:
		queued, err = r.notify(ctx, r.tx, r.texts, *order, templates.KeyLockerReceived, "")
	case lockerwire.EventKeysCollected:
		if _, err = r.tx.UseLockerCode(ctx, order.ID, hub.LockerCodePickup, e.OccurredAt); err == nil {
			queued, err = r.notify(ctx, r.tx, r.texts, *order, templates.KeyLockerCollected, "")
		}
	case lockerwire.EventKeysReturned:
		queued, err = r.issuePickupPIN(ctx, r.tx, r.texts, *order, true)
	}
	r.queued = r.queued || queued
	return err
}

// order loads a work order once per sync.
func (r *recorder) order(ctx context.Context, id int64) (hub.WorkOrder, error) {
	if w, ok := r.orders[id]; ok {
		return w, nil
	}
	w, err := r.tx.WorkOrder(ctx, id)
	if err != nil {
		return w, err
	}
	r.orders[id] = w
	return w, nil
}

// note writes a line for staff into the work order's thread, dated when
// it happened at the locker: events the kiosk kept while the hub was
// unreachable arrive late, and staff must read when the keys went in.
func (r *recorder) note(ctx context.Context, w hub.WorkOrder, args map[string]string, at time.Time) error {
	t, err := r.tx.ThreadByWorkOrder(ctx, w.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // every DMS work order has a thread; nothing to write to otherwise
	}
	if err != nil {
		return err
	}
	line := hub.SystemLine(t.ID, "locker", templates.SysLockerEvent, args)
	line.CreatedAt = at
	return r.tx.AddMessage(ctx, &line)
}

func (r *recorder) appendChange(ctx context.Context, e hub.LockerEvent, order *hub.WorkOrder, box hub.LockerCompartment, hasBox bool) error {
	data := hub.LockerEventData{
		EventID: e.EventUID, Site: hub.LockerSiteData{ID: r.site.ID, Name: r.site.Name}, Kind: e.Kind,
		Actor: e.Actor, Detail: e.Detail, OccurredAt: e.OccurredAt,
	}
	if hasBox {
		data.Compartment = &hub.LockerCompartmentData{ID: box.ID, Label: box.Label, Board: box.Board, Lock: box.Lock}
	}
	c := hub.Change{BranchID: r.site.BranchID, Type: hub.ChangeLockerEvent, OccurredAt: e.OccurredAt}
	if order != nil {
		c.WorkOrderID, c.WorkOrderNumber = &order.ID, order.Number
	}
	return r.tx.AppendChange(ctx, &c, data)
}

// alarm raises an alarm for an alarm event and clears the alarms an event
// shows to be over.
func (r *recorder) alarm(ctx context.Context, e hub.LockerEvent, box hub.LockerCompartment, hasBox bool) error {
	if lockerwire.IsAlarm(e.Kind) {
		a := hub.LockerAlarm{SiteID: r.site.ID, EventID: e.ID, CompartmentID: e.CompartmentID, Kind: e.Kind, RaisedAt: e.OccurredAt}
		return r.tx.RaiseLockerAlarm(ctx, &a)
	}
	var err error
	switch e.Kind {
	case lockerwire.EventDoorClosed:
		if hasBox {
			_, err = r.tx.ResolveLockerAlarms(ctx, r.site.ID, lockerwire.EventDoorLeftOpen, []int64{box.ID}, resolvedBy)
		}
	case lockerwire.EventBoardOnline:
		var sameBoard []int64 // nil: the event names no box, so every board is back
		if hasBox {
			sameBoard = r.onBoard(box.Board)
		}
		_, err = r.tx.ResolveLockerAlarms(ctx, r.site.ID, lockerwire.EventBoardOffline, sameBoard, resolvedBy)
	}
	return err
}

// resolvedBy is cleared_by of an alarm the kiosk's own report cleared.
const resolvedBy = "kiosk"

// onBoard lists the site's compartments on a board.
func (r *recorder) onBoard(board int) []int64 {
	out := []int64{}
	for _, c := range r.compartments {
		if c.Board == board {
			out = append(out, c.ID)
		}
	}
	return out
}

func ref(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
