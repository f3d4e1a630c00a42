package dms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// Ingester applies pushed DMS events.
type Ingester struct {
	store   *store.Store
	links   *hub.Links
	render  *templates.Renderer
	media   *hub.Media
	linkTTL time.Duration
	queued  func() // called after a commit that queued messages (wakes the outbox)
	zones   hub.Zones
	lockers Lockers // nil: no branch has a key locker
	// noWhatsApp keeps every new thread on SMS (NARYAD_WHATSAPP=false).
	noWhatsApp bool
}

// Lockers is what the ingest needs from the key lockers (lockerhub).
type Lockers interface {
	// BranchHasLocker tells whether the branch's work orders need locker
	// codes at all.
	BranchHasLocker(ctx context.Context, tx *store.Store, branchID int64) (bool, error)
	// WorkOrderSaved gives a saved work order of such a branch the locker
	// codes it now needs and queues the messages carrying them, inside tx;
	// it reports whether a message was queued.
	WorkOrderSaved(ctx context.Context, tx *store.Store, w hub.WorkOrder, created bool) (bool, error)
}

// DefaultLinkTTL is how long a customer's link lives after hand-over when
// IngesterOptions.LinkTTL is zero: the hub's default of NARYAD_LINK_TTL.
const DefaultLinkTTL = 30 * 24 * time.Hour

// IngesterOptions wire an Ingester. Store, Links, Renderer and Media are
// required; the rest may be left zero and take the default each names.
type IngesterOptions struct {
	Store    *store.Store
	Links    *hub.Links          // makes and signs the customers' page links
	Renderer *templates.Renderer // the messages' texts; branch overrides are read in each batch's transaction
	Media    *hub.Media          // where pushed documents are kept
	// LinkTTL is how long a customer's link lives after the work order is
	// handed over or cancelled; default DefaultLinkTTL.
	LinkTTL time.Duration
	// Queued is called after a commit that queued messages, to wake the
	// outboxes; default: nothing (they find the messages at their next
	// poll).
	Queued func()
	// Lockers gives the work orders of branches with a key locker their
	// codes; default nil: no branch has one.
	Lockers Lockers
	// SMSOnly starts every new thread on SMS, whatever the branches'
	// WhatsApp accounts say: for a hub that runs no WhatsApp
	// (NARYAD_WHATSAPP=false). Default false.
	SMSOnly bool
}

// NewIngester wires the ingest.
func NewIngester(o IngesterOptions) (*Ingester, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("dms ingester: no store")
	case o.Links == nil:
		return nil, errors.New("dms ingester: no links")
	case o.Renderer == nil:
		return nil, errors.New("dms ingester: no renderer")
	case o.Media == nil:
		return nil, errors.New("dms ingester: no media store")
	case o.LinkTTL < 0:
		return nil, fmt.Errorf("dms ingester: link lifetime %v is negative", o.LinkTTL)
	}
	if o.LinkTTL == 0 {
		o.LinkTTL = DefaultLinkTTL
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	return &Ingester{store: o.Store, links: o.Links, render: o.Renderer, media: o.Media, linkTTL: o.LinkTTL,
		queued: o.Queued, lockers: o.Lockers, noWhatsApp: o.SMSOnly}, nil
}

// Result is the answer for one event, in request order.
type Result struct {
	ID     string `json:"id"`
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// errRejected marks an event refused for its content; anything else that
// goes wrong is the hub's fault and fails the whole request, so the DMS
// re-sends it.
type errRejected struct{ msg string }

func (e errRejected) Error() string { return e.msg }

func rejectf(format string, args ...any) error { return errRejected{fmt.Sprintf(format, args...)} }

// Apply validates and applies a batch for a node. The whole batch runs in
// one transaction, each event atomic within it: an event either applies
// completely or leaves nothing (validation and every check that can reject
// it run before its first write), and a crash before the commit leaves none
// of the batch applied, so re-sending answers the same.
func (in *Ingester) Apply(ctx context.Context, node hub.DMSNode, raws []json.RawMessage) ([]Result, error) {
	sc, err := in.scope(ctx, node)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(raws))
	events := make([]*validEvent, len(raws))
	for i, raw := range raws {
		ev, p := sc.decode(raw)
		if len(p) > 0 {
			id := ev.ID
			if id == "" {
				id = eventIDOf(raw)
			}
			results[i] = Result{ID: id, Result: store.EventRejected, Error: p.err().Error()}
			continue
		}
		if ev.Document != nil {
			// Written before the transaction: content-addressed, so a failed
			// transaction leaves at worst an unreferenced file.
			if _, err := in.media.Put(ev.Document.Data); err != nil {
				return nil, fmt.Errorf("ingest: store document of event %q: %w", ev.ID, err)
			}
		}
		events[i] = &ev
	}
	queued := false
	statuses := statusCache{}
	lockerBranches := map[int64]bool{}
	waBranches := map[int64]bool{}
	err = in.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockNodeIngest(ctx, node.ID); err != nil {
			return err
		}
		texts := in.render.WithOverrides(&batchOverrides{tx: tx, memo: map[overrideKey]override{}})
		placed := map[int64]bool{}
		for i, ev := range events {
			if ev == nil {
				continue
			}
			a := applier{Ingester: in, tx: tx, node: node, event: ev, statuses: statuses, texts: texts,
				lockerBranches: lockerBranches, waBranches: waBranches, placed: placed}
			result, err := a.apply(ctx)
			var rej errRejected
			if errors.As(err, &rej) {
				results[i] = Result{ID: ev.ID, Result: store.EventRejected, Error: rej.msg}
				continue
			}
			if err != nil {
				return fmt.Errorf("event %q: %w", ev.ID, err)
			}
			results[i] = Result{ID: ev.ID, Result: result}
			queued = queued || a.queued
		}
		return in.placeVehicles(ctx, tx, placed)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if queued {
		in.queued()
	}
	return results, nil
}

// Validate checks events as Apply would before its transaction, and
// stores nothing: the problems of each event, in order (none: the event
// would be applied, unless it names a work order that does not exist).
// For a caller that must refuse a whole file before storing any of it.
func (in *Ingester) Validate(ctx context.Context, node hub.DMSNode, raws []json.RawMessage) ([][]Problem, error) {
	sc, err := in.scope(ctx, node)
	if err != nil {
		return nil, err
	}
	out := make([][]Problem, len(raws))
	for i, raw := range raws {
		_, out[i] = sc.decode(raw)
	}
	return out, nil
}

// placeVehicles gives a home branch to the vehicles, still without one,
// of the customers the batch placed (a customer's own branch, or a work
// order's): a vehicle that came before its owner's branch is placed at the
// end of the same batch.
func (in *Ingester) placeVehicles(ctx context.Context, tx *store.Store, customers map[int64]bool) error {
	if len(customers) == 0 {
		return nil
	}
	ids, err := tx.UnplacedVehiclesOf(ctx, slices.Sorted(maps.Keys(customers)))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.RefreshVehicleDue(ctx, &in.zones, id); err != nil {
			return err
		}
	}
	return nil
}

// scope loads the branches the node may write to.
func (in *Ingester) scope(ctx context.Context, node hub.DMSNode) (*scope, error) {
	branches, err := in.store.NodeBranches(ctx, node)
	if err != nil {
		return nil, fmt.Errorf("ingest: branches of node %q: %w", node.Name, err)
	}
	if len(branches) == 0 {
		return nil, fmt.Errorf("ingest: no branch exists yet; create one with `naryad branch add`")
	}
	sc := &scope{node: node, branches: make(map[string]hub.Branch, len(branches)), home: branches[0], zones: &in.zones}
	for _, b := range branches {
		sc.branches[b.Code] = b
	}
	return sc, nil
}

// applier applies one validated event inside the batch transaction.
type applier struct {
	*Ingester
	tx       *store.Store
	node     hub.DMSNode
	event    *validEvent
	statuses statusCache // status mappings looked up in this batch
	// lockerBranches remembers, for one batch, whether a branch has a key
	// locker: most have none, and their work orders then cost no locker work.
	lockerBranches map[int64]bool
	// waBranches remembers, for one batch, whether a branch has a WhatsApp
	// account that can send (see channelFor).
	waBranches map[int64]bool
	// placed collects the customers this batch gave a branch (placeVehicles).
	placed map[int64]bool
	texts  *templates.Renderer // renders with this batch's override lookups
	queued bool                // a message for the customer was queued
}

// batchOverrides reads branch template overrides through the batch's
// transaction (a second connection could wait for ever on SQLite's write
// lock), each (branch, key, language) once per batch.
type batchOverrides struct {
	tx   *store.Store
	memo map[overrideKey]override
}

type overrideKey struct {
	branchID    int64
	key, locale string
}

type override struct {
	body  string
	found bool
}

func (b *batchOverrides) TemplateOverride(ctx context.Context, branchID int64, key, locale string) (string, bool, error) {
	k := overrideKey{branchID, key, locale}
	if o, ok := b.memo[k]; ok {
		return o.body, o.found, nil
	}
	body, found, err := b.tx.TemplateOverride(ctx, branchID, key, locale)
	if err != nil {
		return "", false, err
	}
	b.memo[k] = override{body, found}
	return body, found, nil
}

// statusCache remembers status mappings for the length of one batch, where
// the same few names repeat on every event.
type statusCache map[string]mappedStatus

type mappedStatus struct {
	canonical string
	ok        bool
}

// canonicalStatus maps a raw DMS status name for a branch.
func (a *applier) canonicalStatus(ctx context.Context, branchID int64, raw string) (string, bool, error) {
	key := itoa(branchID) + "\x00" + store.StatusKey(raw)
	if m, hit := a.statuses[key]; hit {
		return m.canonical, m.ok, nil
	}
	canonical, ok, err := a.tx.CanonicalStatus(ctx, branchID, raw)
	if err != nil {
		return "", false, err
	}
	a.statuses[key] = mappedStatus{canonical, ok}
	return canonical, ok, nil
}

func (a *applier) apply(ctx context.Context) (string, error) {
	switch {
	case a.event.WorkOrder != nil:
		return a.applyWorkOrder(ctx, a.event.WorkOrder)
	case a.event.Document != nil:
		return a.applyDocument(ctx, a.event.Document)
	case a.event.Message != nil:
		return a.applyMessage(ctx, a.event.Message)
	case a.event.Customer != nil:
		return a.claimThen(ctx, func() error {
			id, err := a.tx.UpsertCustomer(ctx, *a.event.Customer)
			if a.event.Customer.DefaultBranchID != nil {
				a.placed[id] = true
			}
			return err
		})
	case a.event.Vehicle != nil:
		return a.claimThen(ctx, func() error {
			id, err := a.saveVehicle(ctx, a.event.Vehicle, "", 0)
			if err != nil {
				return err
			}
			return a.keepServiceDue(ctx, id)
		})
	case a.event.ExpiringItem != nil:
		return a.claimThen(ctx, func() error { return a.saveExpiringItem(ctx, a.event.ExpiringItem) })
	case a.event.Booking != nil:
		return a.applyBooking(ctx, a.event.Booking)
	}
	return "", fmt.Errorf("validated event of type %q has no object", a.event.Type)
}

// claimThen claims the event id and, unless it was taken before, runs write.
func (a *applier) claimThen(ctx context.Context, write func() error) (string, error) {
	claimed, err := a.tx.ClaimEvent(ctx, a.node.ID, a.event.ID, a.event.Type)
	if err != nil {
		return "", err
	}
	if !claimed {
		return store.EventDuplicate, nil
	}
	if err := write(); err != nil {
		return "", err
	}
	return store.EventApplied, nil
}

// saveVehicle upserts a vehicle, resolving its owner by DMS id; knownExtID
// and knownID short-cut the lookup when the owner was just written.
func (a *applier) saveVehicle(ctx context.Context, v *validVehicle, knownExtID string, knownID int64) (int64, error) {
	data := v.Data
	switch {
	case v.CustomerExternalID != "" && v.CustomerExternalID == knownExtID:
		data.CustomerID = &knownID
	case v.CustomerExternalID != "":
		id, err := a.tx.CustomerRef(ctx, a.node.ID, v.CustomerExternalID)
		if err != nil {
			return 0, err
		}
		data.CustomerID = &id
	}
	id, err := a.tx.UpsertVehicle(ctx, data)
	if err != nil {
		return 0, err
	}
	if v.MileageKm > 0 {
		if err := a.tx.AddMileage(ctx, id, v.MileageKm, a.event.OccurredAt); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func (a *applier) saveExpiringItem(ctx context.Context, e *validExpiringItem) error {
	customerID, err := a.tx.CustomerRef(ctx, a.node.ID, e.CustomerExternalID)
	if err != nil {
		return err
	}
	data := e.Data
	data.CustomerID = customerID
	return a.tx.UpsertExpiringItem(ctx, data)
}

// workOrderOf finds the node's work order a document or message is for; an
// unknown number rejects the event.
func (a *applier) workOrderOf(ctx context.Context, number, path string) (hub.WorkOrder, error) {
	w, err := a.tx.WorkOrderByNumber(ctx, a.node.ID, number)
	if errors.Is(err, store.ErrNotFound) {
		return w, rejectf("%s: unknown work order %q", path, number)
	}
	return w, err
}
