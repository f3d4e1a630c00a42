package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// GroupOptions configure Groups; zero values take the defaults.
type GroupOptions struct {
	Logger *slog.Logger
	// Now is the clock of the sweeper and of abandoned claims (tests move it).
	Now func() time.Time
}

// Groups runs a WhatsApp group per work order (seed 004): created when the
// work order is being worked on, with the customer, the advisor and the
// master; the thread's messages (status changes among them) go there; the
// account leaves it some days after hand-over. It is the sender's
// GroupRouter.
//
// Groups are a branch setting, off by default: an account that creates
// many groups risks a ban, so a failed creation is never retried for the
// same thread.
type Groups struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
}

// Groups is the sender's GroupRouter.
var _ GroupRouter = (*Groups)(nil)

// groupClaimTimeout is how long a claimed group may wait for its JID. The
// creator gives WhatsApp groupCallTimeout, so a claim older than this was
// abandoned by a process that stopped mid-way.
const groupClaimTimeout = 2 * time.Minute

// groupCallTimeout bounds one CreateGroup or LeaveGroup call.
const groupCallTimeout = 30 * time.Second

// groupNoteAuthor signs the thread's system notes about groups.
const groupNoteAuthor = "naryad"

// NewGroups builds the group router and sweeper.
func NewGroups(st *store.Store, opts GroupOptions) *Groups {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Groups{store: st, log: opts.Logger, now: opts.Now}
}

// groupWorkStatuses are the statuses in which a work order gets a group:
// the car is in the workshop and there is something to talk about.
var groupWorkStatuses = map[string]bool{
	hub.StatusInProgress: true, hub.StatusWaitingParts: true, hub.StatusWaitingApproval: true, hub.StatusReady: true,
}

// GroupFor tells the sender where a WhatsApp thread's next message goes:
// the work order's group (its JID and true) or the customer's direct chat
// (false). It creates the group on the first message after the work order
// went in progress, when the branch runs groups. An error means the
// decision could not be made now (database trouble, or the account is not
// connected while a group is due: the error wraps whatsmeow.ErrNotConnected);
// the sender retries as for a failed send.
func (g *Groups) GroupFor(ctx context.Context, cli Client, acc hub.WAAccount, t hub.Thread) (jid types.JID, ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			g.log.Error("whatsapp group: panic", "thread_id", t.ID, "panic", r)
			jid, ok, err = types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: panic: %v", t.ID, r)
		}
	}()
	if t.WorkOrderID == nil {
		return types.EmptyJID, false, nil // a lead: no work order, no group
	}
	settings, err := g.store.BranchWASettings(ctx, t.BranchID)
	if err != nil {
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	if !settings.Groups {
		return types.EmptyJID, false, nil
	}
	group, err := g.store.WAGroupByThread(ctx, t.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return g.createIfDue(ctx, cli, acc, t)
	case err != nil:
		return types.EmptyJID, false, fmt.Errorf("whatsapp group for thread %d: %w", t.ID, err)
	}
	return g.route(ctx, acc, t, group)
}

// route answers for a thread that has a group row.
func (g *Groups) route(ctx context.Context, acc hub.WAAccount, t hub.Thread, group hub.WAGroup) (types.JID, bool, error) {
	if group.State != hub.WAGroupActive {
		return types.EmptyJID, false, nil // failed or left: the direct chat
	}
	if group.JID == "" {
		return g.pendingClaim(ctx, t, group)
	}
	if group.AccountID != acc.ID {
		// The thread moved to another number, which is not in the group:
		// a message sent there from this account would not arrive.
		g.log.Warn("whatsapp group: thread runs on another account than its group; sending to the direct chat",
			"thread_id", t.ID, "group", group.JID, "group_account_id", group.AccountID, "account_id", acc.ID)
		return types.EmptyJID, false, nil
	}
	jid, err := types.ParseJID(group.JID)
	if err != nil {
		return types.EmptyJID, false, fmt.Errorf("whatsapp group %d of thread %d: stored JID %q: %w", group.ID, t.ID, group.JID, err)
	}
	return jid, true, nil
}

// pendingClaim handles a group claimed but without a JID: another creator
// is at work (this message goes to the direct chat), or the claim was
// abandoned by a process that stopped between claiming and storing the
// JID. WhatsApp may or may not have made that group, so it is not tried
// again: the claim fails, with a note, like any failed creation.
func (g *Groups) pendingClaim(ctx context.Context, t hub.Thread, group hub.WAGroup) (types.JID, bool, error) {
	if g.now().Sub(group.CreatedAt) < groupClaimTimeout {
		return types.EmptyJID, false, nil
	}
	if err := g.fail(ctx, t, group, "creation was interrupted (the hub stopped while creating it)"); err != nil {
		return types.EmptyJID, false, err
	}
	return types.EmptyJID, false, nil
}

// fail marks a claimed group failed and says so in the thread, in one
// transaction; the note is written only by whoever changed the state.
func (g *Groups) fail(ctx context.Context, t hub.Thread, group hub.WAGroup, reason string) error {
	err := g.store.Tx(ctx, func(tx *store.Store) error {
		changed, err := tx.FailWAGroup(ctx, group.ID, reason)
		if err != nil || !changed {
			return err
		}
		note := hub.SystemLine(t.ID, groupNoteAuthor, templates.SysGroupFailed, map[string]string{"name": group.Name, "reason": reason})
		return tx.AddMessage(ctx, &note)
	})
	if err != nil {
		return fmt.Errorf("whatsapp group %d of thread %d: record failure: %w", group.ID, t.ID, err)
	}
	g.log.Warn("whatsapp group: creation failed", "thread_id", t.ID, "group_name", group.Name, "reason", reason)
	return nil
}
