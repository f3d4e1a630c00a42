package admin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// slaView is what branch_sla.html shows: a branch's SLA targets as typed.
type slaView struct {
	T                       map[string]string
	Branch                  hub.Branch
	First, Next, Resolution string
}

func slaPath(branchID int64) string { return fmt.Sprintf("/admin/branches/%d/sla", branchID) }

// registerSLA adds the targets page to the admin group.
func (h *Handler) registerSLA(admin staffpage.Group) {
	admin.Get("/admin/branches/:id/sla", h.slaShow)
	admin.Post("/admin/branches/:id/sla", h.slaSave)
}

// slaShow is GET /admin/branches/<id>/sla.
func (h *Handler) slaShow(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	tg, err := h.store.BranchSLATargets(c.UserContext(), b.ID)
	if err != nil {
		return h.Internal(c, "SLA targets", err)
	}
	t := slaTexts[staffpage.Locale(c, slaTexts)]
	p := h.newPage(c, slaView{T: t, Branch: b, First: strconv.Itoa(tg.FirstResponseMinutes),
		Next: strconv.Itoa(tg.NextResponseMinutes), Resolution: strconv.Itoa(tg.ResolutionMinutes)})
	if c.Query("done") == "sla" {
		p.Done = t["saved"]
	}
	return h.Render(c, fiber.StatusOK, "branch_sla.html", p)
}

// slaSave is POST /admin/branches/<id>/sla: three whole numbers of minutes
// (0..store.MaxSLAMinutes); anything else is refused with the form as
// typed and nothing stored. Audited.
func (h *Handler) slaSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	t := slaTexts[staffpage.Locale(c, slaTexts)]
	v := slaView{T: t, Branch: b, First: strings.TrimSpace(c.FormValue("first")),
		Next: strings.TrimSpace(c.FormValue("next")), Resolution: strings.TrimSpace(c.FormValue("resolution"))}
	var minutes [3]int
	for i, s := range []string{v.First, v.Next, v.Resolution} {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > store.MaxSLAMinutes {
			return h.refuse(c, "branch_sla.html", v, fmt.Sprintf(t["err_minutes"], strconv.Itoa(store.MaxSLAMinutes)))
		}
		minutes[i] = n
	}
	tg := store.SLATargets{FirstResponseMinutes: minutes[0], NextResponseMinutes: minutes[1], ResolutionMinutes: minutes[2]}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetBranchSLATargets(c.UserContext(), b.ID, tg); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code,
			fmt.Sprintf("sla_targets first=%d next=%d resolution=%d", tg.FirstResponseMinutes, tg.NextResponseMinutes, tg.ResolutionMinutes))
	})
	if err != nil {
		return h.Internal(c, "save SLA targets", err)
	}
	return c.Redirect(slaPath(b.ID)+"?done=sla", fiber.StatusSeeOther)
}
