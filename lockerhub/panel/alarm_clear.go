package panel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
)

// alarmClear is POST /lockers/alarms/:id/clear: any staff of the alarm's
// branch marks it looked at; audited. Clearing an alarm someone else (or
// the kiosk) cleared a moment ago is not an error: the page just shows it
// gone.
func (h *Handler) alarmClear(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return notFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	alarm, err := h.store.LockerAlarm(ctx, int64(id))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load alarm", err)
	}
	site, err := h.store.LockerSite(ctx, alarm.SiteID)
	if err != nil {
		return h.Internal(c, "load alarm's site", err)
	}
	if !s.InBranch(site.BranchID) {
		return notFound(c)
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ClearLockerAlarm(ctx, alarm.ID, s.User.Login); err != nil {
			return err
		}
		return audit(ctx, c, tx, store.AuditLockerAlarmClear, fmt.Sprintf("locker alarm %d", alarm.ID),
			fmt.Sprintf("site=%d kind=%s", site.ID, alarm.Kind))
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return h.Internal(c, "clear alarm", err)
	}
	return c.Redirect(fmt.Sprintf("/lockers?done=cleared#site-%d", site.ID), fiber.StatusSeeOther)
}
