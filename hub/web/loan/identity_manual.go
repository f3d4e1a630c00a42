package loan

import (
	"context"
	"errors"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// checkByPhotos moves loan id's Stripe check to the manual one after the
// branch's online check refused to start for good (ErrIdentityUnavailable):
// in one transaction the loan (store.ChangeLoan, the change
// identity_manual for the DMS), staff's line in the thread, and an audit
// row by the hub. It reports whether it moved the loan: false when the
// loan no longer may (another tab, an advisor, a webhook moved it first).
// Once moved, the Stripe verification it forgot is cancelled, best effort
// (cancelCheck).
func (h *Handler) checkByPhotos(ctx context.Context, id int64) (bool, error) {
	var branch int64
	var session string // the Stripe verification the move forgets
	err := h.store.Tx(ctx, func(tx *store.Store) error {
		after, err := tx.ChangeLoan(ctx, id, hub.LoanEventIdentityManual, func(x *hub.Loan) error {
			if !x.MayCheckByPhotos() {
				return errIdentityClosed
			}
			branch, session = x.BranchID, x.IdentityProviderID
			x.CheckByPhotos()
			return nil
		})
		if err != nil {
			return err
		}
		car, err := tx.CourtesyCar(ctx, after.BranchID, after.CarID)
		if err != nil {
			return err
		}
		line := hub.SystemLine(after.ThreadID, "naryad", templates.SysLoanIdentityManual,
			map[string]string{"car": joinNonEmpty(" ", car.Model, car.Plate)})
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Action: store.AuditLoanIdentityManual, Subject: "loan " + strconv.FormatInt(after.ID, 10),
			Detail: "identity check moved from Stripe to photos by naryad: the branch's online check cannot be used"})
	})
	switch {
	case errors.Is(err, errIdentityClosed), errors.Is(err, store.ErrLoanChanged), errors.Is(err, store.ErrLoanMove):
		return false, nil
	case err != nil:
		return false, err
	}
	h.cancelCheck(ctx, id, branch, session)
	return true, nil
}

// cancelTimeout bounds the cancellation after the move (the customer
// waits for it).
const cancelTimeout = 8 * time.Second

// cancelCheck cancels the provider's verification session of loan id that
// the move to photos forgot: its page, if the customer still has it open,
// would take a document nobody reads. The branch's check was refused just
// now, so this mostly fails; it is tried anyway (a session made before the
// branch's settings broke may still be cancellable) and a failure is only
// logged: the move stands, and the session expires at the provider.
func (h *Handler) cancelCheck(ctx context.Context, id, branch int64, session string) {
	if h.identity == nil || session == "" {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	if err := h.identity.CancelCheck(cctx, branch, session); err != nil {
		h.log.Warn("loan page: cancel the Stripe verification after the move to photos", "loan_id", id, "error", err)
	}
}
