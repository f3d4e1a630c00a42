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

// tokensView is what tokens.html shows. Token is set only on the page
// that answers its creation: it is shown once and never stored.
type tokensView struct {
	Nodes       []nodeRow
	Branches    []hub.Branch
	Form        struct{ Name, Branch string }
	Token, Node string
}

type nodeRow struct {
	hub.DMSNode
	BranchCode string // empty: every branch
}

func (h *Handler) tokensView(c *fiber.Ctx) (tokensView, error) {
	nodes, err := h.store.Nodes(c.UserContext())
	if err != nil {
		return tokensView{}, err
	}
	branches, err := h.store.Branches(c.UserContext())
	if err != nil {
		return tokensView{}, err
	}
	codes := map[int64]string{}
	for _, b := range branches {
		codes[b.ID] = b.Code
	}
	v := tokensView{Branches: branches}
	for _, n := range nodes {
		r := nodeRow{DMSNode: n}
		if n.BranchID != nil {
			r.BranchCode = codes[*n.BranchID]
		}
		v.Nodes = append(v.Nodes, r)
	}
	return v, nil
}

// tokenList is GET /admin/tokens.
func (h *Handler) tokenList(c *fiber.Ctx) error {
	v, err := h.tokensView(c)
	if err != nil {
		return h.Internal(c, "list nodes", err)
	}
	return h.Render(c, fiber.StatusOK, "tokens.html", h.newPage(c, v))
}

// tokenCreate is POST /admin/tokens: name and branch (a code, or empty for
// every branch). The answer is the one page that shows the new token, so
// it is not redirected (and, like every staff page, not cached).
func (h *Handler) tokenCreate(c *fiber.Ctx) error {
	v, err := h.tokensView(c)
	if err != nil {
		return h.Internal(c, "list nodes", err)
	}
	v.Form.Name, v.Form.Branch = strings.TrimSpace(c.FormValue("name")), c.FormValue("branch")
	if v.Form.Name == "" {
		return h.refuse(c, "tokens.html", v, words(c)["err_node_required"])
	}
	known := v.Form.Branch == ""
	for _, b := range v.Branches {
		known = known || b.Code == v.Form.Branch
	}
	if !known {
		return h.refuse(c, "tokens.html", v, fmt.Sprintf(words(c)["err_unknown_branch"], strconv.Quote(v.Form.Branch)))
	}
	var token string
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		t, n, err := tx.CreateNodeWithToken(c.UserContext(), v.Form.Name, v.Form.Branch)
		if err != nil {
			return err
		}
		token = t
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "dms node "+n.Name, fmt.Sprintf("token_create node_id=%d branch=%s", n.ID, v.Form.Branch))
	})
	if err != nil {
		return h.Internal(c, "create token", err)
	}
	if v, err = h.tokensView(c); err != nil {
		return h.Internal(c, "list nodes", err)
	}
	v.Token, v.Node = token, strings.TrimSpace(c.FormValue("name"))
	return h.Render(c, fiber.StatusOK, "tokens.html", h.newPage(c, v))
}

// tokenRevoke is POST /admin/tokens/revoke: every live token of the node
// with this name.
func (h *Handler) tokenRevoke(c *fiber.Ctx) error {
	name := c.FormValue("name")
	var n int64
	err := h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		var err error
		if n, err = tx.RevokeNode(c.UserContext(), name); err != nil || n == 0 {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "dms node "+name, fmt.Sprintf("token_revoke count=%d", n))
	})
	if err != nil {
		return h.Internal(c, "revoke node", err)
	}
	if n == 0 {
		v, err := h.tokensView(c)
		if err != nil {
			return h.Internal(c, "list nodes", err)
		}
		return h.refuse(c, "tokens.html", v, fmt.Sprintf(words(c)["err_no_node"], name))
	}
	return c.Redirect("/admin/tokens?done=revoked", fiber.StatusSeeOther)
}
