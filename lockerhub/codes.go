package lockerhub

import (
	"context"
	"errors"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/lockerwire"
	"naryad/templates"
)

// BranchHasLocker tells whether a branch has a live locker site, whose work
// orders need locker codes (WorkOrderSaved).
func (s *Service) BranchHasLocker(ctx context.Context, tx *store.Store, branchID int64) (bool, error) {
	sites, err := tx.LockerSites(ctx, []int64{branchID})
	return len(sites) > 0, err
}

// WorkOrderSaved gives a work order of a branch with a locker (see
// BranchHasLocker; the DMS ingest asks once per batch) the locker codes it
// now needs, inside the ingest's transaction, after its status message is
// queued: a new work order gets a drop-off code; one that is ready and
// paid, with its keys waiting in a locker, gets its pickup PIN; one no
// longer paid loses a PIN it had. It reports whether a message to the
// customer was queued.
func (s *Service) WorkOrderSaved(ctx context.Context, tx *store.Store, w hub.WorkOrder, created bool) (bool, error) {
	texts := s.texts.WithOverrides(tx)
	queued := false
	if created {
		code, err := issueCode(ctx, tx, w.ID, hub.LockerCodeDropOff)
		if err != nil {
			return false, err
		}
		if queued, err = s.notify(ctx, tx, texts, w, templates.KeyLockerDropOff, code); err != nil {
			return false, err
		}
	}
	if !w.Paid {
		// Paid can be taken back in the DMS (a refund, a mistake): the
		// keys must not go out on a PIN sent for the payment.
		_, err := tx.RevokeLockerCodes(ctx, w.ID, hub.LockerCodePickup)
		return queued, err
	}
	sent, err := s.issuePickupPIN(ctx, tx, texts, w, false)
	return queued || sent, err
}

// issuePickupPIN sends the work order's pickup PIN when it is ready and
// paid, its keys are in a locker (keysIn: the caller knows; otherwise the
// compartments the kiosks last reported tell) and it has no live PIN yet,
// so a customer gets exactly one.
func (s *Service) issuePickupPIN(ctx context.Context, tx *store.Store, texts *templates.Renderer, w hub.WorkOrder, keysIn bool) (bool, error) {
	if w.Status != hub.StatusReady || !w.Paid {
		return false, nil
	}
	if !keysIn {
		ready, err := tx.LockerKeysReady(ctx, w.ID)
		if err != nil || !ready {
			return false, err
		}
	}
	_, err := tx.LiveLockerCode(ctx, w.ID, hub.LockerCodePickup)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	pin, err := issueCode(ctx, tx, w.ID, hub.LockerCodePickup)
	if err != nil {
		return false, err
	}
	return s.notify(ctx, tx, texts, w, templates.KeyLockerPickupPIN, pin)
}

// issueCode makes a fresh code of a kind for the work order, stores its
// hash (revoking the one before) and returns it in clear, for the message.
func issueCode(ctx context.Context, tx *store.Store, workOrderID int64, kind string) (string, error) {
	code, err := lockerwire.NewCode()
	if err != nil {
		return "", err
	}
	salt, err := hub.NewSalt()
	if err != nil {
		return "", err
	}
	c := hub.LockerCode{WorkOrderID: workOrderID, Kind: kind, Salt: salt, Hash: lockerwire.Hash(salt, code)}
	if err := tx.IssueLockerCode(ctx, &c); err != nil {
		return "", err
	}
	return code, nil
}
