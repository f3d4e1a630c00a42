package loan

import (
	"context"
	"errors"
	"strconv"

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
func (h *Handler) checkByPhotos(ctx context.Context, id int64) (bool, error) {
	err := h.store.Tx(ctx, func(tx *store.Store) error {
		after, err := tx.ChangeLoan(ctx, id, hub.LoanEventIdentityManual, func(x *hub.Loan) error {
			if !x.MayCheckByPhotos() {
				return errIdentityClosed
			}
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
	return true, nil
}
