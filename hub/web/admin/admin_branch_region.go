package admin

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// branchRegion is POST /admin/branches/:id/region: the branch's region
// (the group /reports adds branches up by); empty clears it. Too long a
// name is refused with the page and a 400, nothing stored.
func (h *Handler) branchRegion(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	region := strings.TrimSpace(c.FormValue("region"))
	if utf8.RuneCountInString(region) > store.MaxRegionLength {
		v, err := h.branchesView(c.UserContext(), hub.Branch{})
		if err != nil {
			return h.Internal(c, "branches page", err)
		}
		return h.refuse(c, "branches.html", v, fmt.Sprintf(words(c)["err_region_long"], store.MaxRegionLength))
	}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetBranchRegion(c.UserContext(), b.ID, region); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "branch "+b.Code, fmt.Sprintf("branch_region region=%q", region))
	})
	if err != nil {
		return h.Internal(c, "set branch region", err)
	}
	return c.Redirect("/admin/branches?done=region", fiber.StatusSeeOther)
}
