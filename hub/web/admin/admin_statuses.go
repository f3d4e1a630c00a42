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

// statusesView is what statuses.html shows.
type statusesView struct {
	Mappings   []store.StatusMappingRow
	Branches   []hub.Branch
	Canonicals []string
	Form       struct{ Branch, Raw, Canonical string }
}

func (h *Handler) statusesView(c *fiber.Ctx) (statusesView, error) {
	rows, err := h.store.StatusMappings(c.UserContext())
	if err != nil {
		return statusesView{}, err
	}
	branches, err := h.store.Branches(c.UserContext())
	if err != nil {
		return statusesView{}, err
	}
	return statusesView{Mappings: rows, Branches: branches, Canonicals: hub.CanonicalStatuses}, nil
}

// statusList is GET /admin/statuses.
func (h *Handler) statusList(c *fiber.Ctx) error {
	v, err := h.statusesView(c)
	if err != nil {
		return h.Internal(c, "list status mappings", err)
	}
	return h.Render(c, fiber.StatusOK, "statuses.html", h.newPage(c, v))
}

// statusSet is POST /admin/statuses: branch (a code, or empty for every
// branch), raw and canonical. A mapping of the same name and scope is
// replaced.
func (h *Handler) statusSet(c *fiber.Ctx) error {
	v, err := h.statusesView(c)
	if err != nil {
		return h.Internal(c, "list status mappings", err)
	}
	v.Form.Branch, v.Form.Raw, v.Form.Canonical = c.FormValue("branch"), c.FormValue("raw"), c.FormValue("canonical")
	raw := strings.TrimSpace(v.Form.Raw)
	if store.StatusKey(raw) == "" {
		return h.refuse(c, "statuses.html", v, words(c)["err_raw_required"])
	}
	if !hub.IsCanonicalStatus(v.Form.Canonical) {
		return h.refuse(c, "statuses.html", v, fmt.Sprintf(words(c)["err_canonical"], v.Form.Canonical, strings.Join(hub.CanonicalStatuses, ", ")))
	}
	var branchID *int64
	scope := "*"
	if v.Form.Branch != "" {
		for _, b := range v.Branches {
			if b.Code == v.Form.Branch {
				branchID, scope = &b.ID, b.Code
			}
		}
		if branchID == nil {
			return h.refuse(c, "statuses.html", v, fmt.Sprintf(words(c)["err_unknown_branch"], strconv.Quote(v.Form.Branch)))
		}
	}
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetStatusMapping(c.UserContext(), branchID, raw, v.Form.Canonical); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "status "+raw, fmt.Sprintf("status_map branch=%s canonical=%s", scope, v.Form.Canonical))
	})
	if err != nil {
		return h.Internal(c, "set status mapping", err)
	}
	return c.Redirect("/admin/statuses?done=status", fiber.StatusSeeOther)
}
