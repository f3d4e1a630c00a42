package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// groupSweepEvery is how often RunSweeper looks for groups to leave by
// default: leaving is due days after hand-over, so minutes do not matter.
const groupSweepEvery = 10 * time.Minute

// groupSweepTimeout bounds one sweep.
const groupSweepTimeout = 5 * time.Minute

// RunSweeper leaves the groups of handed-over (or cancelled) work orders
// once the branch's wa_group_leave_days have passed: it sweeps at once,
// then every `every` (10 minutes when 0), until ctx ends. A group whose
// account has no client in this process now is tried again next round.
// It returns nil at ctx end.
func (g *Groups) RunSweeper(ctx context.Context, clients Clients, every time.Duration) error {
	if every <= 0 {
		every = groupSweepEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		g.sweepOnce(ctx, clients)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// sweepOnce runs one sweep; a panic is logged and the next round goes on.
func (g *Groups) sweepOnce(ctx context.Context, clients Clients) {
	defer func() {
		if r := recover(); r != nil {
			g.log.Error("whatsapp group sweep: panic", "panic", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, groupSweepTimeout)
	defer cancel()
	left, err := g.Sweep(ctx, clients)
	if err != nil {
		g.log.Error("whatsapp group sweep failed", "left", left, "error", err)
		return
	}
	if left > 0 {
		g.log.Info("whatsapp group sweep", "left", left)
	}
}

// Sweep makes one pass of RunSweeper and returns how many groups it left.
// A group that could not be left is logged and kept for the next pass;
// the error is a failure to read or write the database.
func (g *Groups) Sweep(ctx context.Context, clients Clients) (int, error) {
	ended, err := g.store.EndedWAGroups(ctx)
	if err != nil {
		return 0, err
	}
	now := g.now()
	left := 0
	for _, e := range ended {
		if ctx.Err() != nil {
			return left, nil // shutting down; the rest wait for the next start
		}
		if !now.After(e.EndedAt.Add(time.Duration(e.LeaveDays) * 24 * time.Hour)) {
			continue
		}
		cli, ok := clients.Client(e.Group.AccountID)
		if !ok {
			g.log.Debug("whatsapp group sweep: account has no client here; next round",
				"group", e.Group.JID, "account_id", e.Group.AccountID)
			continue
		}
		done, err := g.leave(ctx, cli, e, now)
		if err != nil {
			return left, err
		}
		if done {
			left++
		}
	}
	return left, nil
}

// leave asks WhatsApp to take the account out of the group, then records
// it with a note. A group WhatsApp no longer has, or no longer has the
// account in (removed by someone else), counts as left too; any other
// refusal is retried next round.
func (g *Groups) leave(ctx context.Context, cli Client, e store.EndedWAGroup, now time.Time) (bool, error) {
	jid, err := types.ParseJID(e.Group.JID)
	if err != nil {
		return false, fmt.Errorf("whatsapp group %d: stored JID %q: %w", e.Group.ID, e.Group.JID, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, groupCallTimeout)
	err = cli.LeaveGroup(callCtx, jid)
	cancel()
	whyKey, whyArgs := templates.SysGroupLeftEnded, map[string]string{"name": e.Group.Name,
		"order": e.WorkOrderNumber, "days": strconv.Itoa(e.LeaveDays)}
	switch {
	case err == nil:
	case errors.Is(err, whatsmeow.ErrIQNotFound), errors.Is(err, whatsmeow.ErrIQForbidden):
		whyKey, whyArgs = templates.SysGroupGone, map[string]string{"name": e.Group.Name, "error": err.Error()}
	default:
		g.log.Warn("whatsapp group sweep: leave failed; next round", "group", e.Group.JID,
			"thread_id", e.Group.ThreadID, "error", err)
		return false, nil
	}
	changed := false
	err = g.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if changed, err = tx.SetWAGroupLeft(ctx, e.Group.ID, now); err != nil || !changed {
			return err
		}
		note := hub.SystemLine(e.Group.ThreadID, groupNoteAuthor, whyKey, whyArgs)
		return tx.AddMessage(ctx, &note)
	})
	if err != nil {
		return false, fmt.Errorf("whatsapp group %d: record leaving: %w", e.Group.ID, err)
	}
	return changed, nil
}
