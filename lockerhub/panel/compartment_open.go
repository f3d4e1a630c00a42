package panel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// maxReasonLen bounds the reason of a remote opening (runes); it goes to
// the kiosk and the audit log, not into an essay.
const maxReasonLen = 300

// compartmentOpen is POST /lockers/sites/:site/compartments/:id/open: an
// admin asks the kiosk to open a box at its next sync, with a reason;
// audited. Only admins reach it (see Register).
func (h *Handler) compartmentOpen(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	siteID, err1 := c.ParamsInt("site")
	boxID, err2 := c.ParamsInt("id")
	if err1 != nil || err2 != nil || siteID <= 0 || boxID <= 0 {
		return notFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	site, err := h.store.LockerSite(ctx, int64(siteID))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (site.RevokedAt != nil || !s.InBranch(site.BranchID))) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load site", err)
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if problem := reasonProblem(reason); problem != "" {
		return h.refuseOpen(c, int64(boxID), reason, problem)
	}
	cmd := hub.LockerCommand{SiteID: site.ID, CompartmentID: int64(boxID), Reason: reason, UserID: s.User.ID, Login: s.User.Login}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateLockerCommand(ctx, &cmd); err != nil {
			return err
		}
		return audit(ctx, c, tx, store.AuditLockerOpen, fmt.Sprintf("locker compartment %d", cmd.CompartmentID),
			fmt.Sprintf("site=%d command=%d reason=%q", site.ID, cmd.ID, reason))
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c) // the box is not this site's
	}
	if err != nil {
		return h.Internal(c, "create command", err)
	}
	h.Log.Info("locker remote open", "site_id", site.ID, "compartment_id", cmd.CompartmentID, "command_id", cmd.ID, "login", s.User.Login)
	return c.Redirect(fmt.Sprintf("/lockers?done=open#site-%d", site.ID), fiber.StatusSeeOther)
}

// reasonProblem names what is wrong with a reason (a texts key), or "".
func reasonProblem(reason string) string {
	switch {
	case reason == "":
		return "err_reason"
	case utf8.RuneCountInString(reason) > maxReasonLen:
		return "err_reason_long"
	}
	return ""
}

// refuseOpen shows the page again with the problem next to the box's form
// and a 400; nothing was stored.
func (h *Handler) refuseOpen(c *fiber.Ctx, boxID int64, reason, problem string) error {
	v, err := h.view(c)
	if err != nil {
		return h.Internal(c, "show lockers", err)
	}
	v.Error, v.ErrorBox, v.Reason = v.T[problem], boxID, reason
	return h.Render(c, fiber.StatusBadRequest, "lockers.html", v)
}
