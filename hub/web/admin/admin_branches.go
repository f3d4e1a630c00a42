package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// branchesView loads what branches.html shows around form: every page of
// it (the list, a refused new branch, a refused region) shows the same
// branches with their regions.
func (h *Handler) branchesView(ctx context.Context, form hub.Branch) (branchesView, error) {
	branches, err := h.store.Branches(ctx)
	if err != nil {
		return branchesView{}, fmt.Errorf("list branches: %w", err)
	}
	regions, err := h.store.BranchRegions(ctx)
	if err != nil {
		return branchesView{}, fmt.Errorf("branch regions: %w", err)
	}
	return branchesView{Branches: branches, Regions: regions, Locales: templates.Locales(), Form: form}, nil
}

// branchProblems says ValidateBranch's problems in the admin's words.
func branchProblems(c *fiber.Ctx, err error) string {
	var be *hub.BranchError
	if !errors.As(err, &be) {
		return refusals(c)["wa_failed"] // ValidateBranch returns nothing else
	}
	r := refusals(c)
	said := make([]string, len(be.Problems))
	for i, p := range be.Problems {
		said[i] = r["branch_"+p.Field]
		if strings.Contains(said[i], "%s") {
			said[i] = fmt.Sprintf(said[i], strconv.Quote(p.Value))
		}
	}
	return strings.Join(said, "; ")
}

// branchList is GET /admin/branches.
func (h *Handler) branchList(c *fiber.Ctx) error {
	v, err := h.branchesView(c.UserContext(), hub.Branch{})
	if err != nil {
		return h.Internal(c, "branches page", err)
	}
	return h.Render(c, fiber.StatusOK, "branches.html", h.newPage(c, v))
}

// branchAdd is POST /admin/branches, with the fields of `naryad branch add`
// checked the same way (hub.ValidateBranch).
func (h *Handler) branchAdd(c *fiber.Ctx) error {
	b := hub.Branch{Code: c.FormValue("code"), Name: c.FormValue("name"), Country: c.FormValue("country"),
		TimeZone: c.FormValue("time-zone"), Locale: c.FormValue("locale"), Phone: c.FormValue("phone"),
		WorkingHours: c.FormValue("working-hours")}
	v, err := h.branchesView(c.UserContext(), b)
	if err != nil {
		return h.Internal(c, "branches page", err)
	}
	t := words(c)
	if err := hub.ValidateBranch(&b); err != nil {
		return h.refuse(c, "branches.html", v, fmt.Sprintf(t["err_branch"], branchProblems(c, err)))
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
