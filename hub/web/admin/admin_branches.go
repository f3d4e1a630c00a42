package admin

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// branchesView is what branches.html shows.
type branchesView struct {
	Branches []hub.Branch
	Regions  map[int64]string // by branch id: the groups of /reports
	Locales  []string
	Form     hub.Branch
}

// branchList is GET /admin/branches.
func (h *Handler) branchList(c *fiber.Ctx) error {
	branches, err := h.store.Branches(c.UserContext())
	if err != nil {
		return h.Internal(c, "list branches", err)
	}
	regions, err := h.store.BranchRegions(c.UserContext())
	if err != nil {
		return h.Internal(c, "branch regions", err)
	}
	return h.Render(c, fiber.StatusOK, "branches.html", h.newPage(c, branchesView{Branches: branches, Regions: regions, Locales: templates.Locales()}))
}

// branchAdd is POST /admin/branches, with the fields of `naryad branch add`
// checked the same way (hub.ValidateBranch).
func (h *Handler) branchAdd(c *fiber.Ctx) error {
	b := hub.Branch{Code: c.FormValue("code"), Name: c.FormValue("name"), Country: c.FormValue("country"),
		TimeZone: c.FormValue("time-zone"), Locale: c.FormValue("locale"), Phone: c.FormValue("phone"),
		WorkingHours: c.FormValue("working-hours")}
	branches, err := h.store.Branches(c.UserContext())
	if err != nil {
		return h.Internal(c, "list branches", err)
	}
	v := branchesView{Branches: branches, Locales: templates.Locales(), Form: b}
	t := words(c)
	if err := hub.ValidateBranch(&b); err != nil {
		return h.refuse(c, "branches.html", v, fmt.Sprintf(t["err_branch"], err.Error()))
	}
	if _, err := h.store.BranchByCode(c.UserContext(), b.Code); err == nil {
		return h.refuse(c, "branches.html", v, fmt.Sprintf(t["err_branch_taken"], b.Code))
	} else if !errors.Is(err, store.ErrNotFound) {
		return h.Internal(c, "branch by code", err)
	}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.CreateBranch(c.UserContext(), &b); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code,
			fmt.Sprintf("branch_add name=%q country=%s time_zone=%s locale=%s", b.Name, b.Country, b.TimeZone, b.Locale))
	})
	if err != nil {
		return h.Internal(c, "add branch", err)
	}
	return c.Redirect("/admin/branches?done=branch", fiber.StatusSeeOther)
}
