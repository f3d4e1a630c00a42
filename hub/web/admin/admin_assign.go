package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// assignView is what assign.html shows: each branch's assignment mode, and
// each user's DMS advisor id and duty at each of their branches.
type assignView struct {
	T        map[string]string
	Modes    []string
	Branches []assignBranch
	Users    []assignUser
}

type assignBranch struct {
	hub.Branch
	Mode string
}

type assignUser struct {
	store.UserRow
	ExternalID string
	Duties     []assignDuty
}

type assignDuty struct {
	store.TeamMember
	Code string
}

// assignPage is GET /admin/assign.
func (h *Handler) assignPage(c *fiber.Ctx) error {
	return h.renderAssign(c, fiber.StatusOK, "")
}

func (h *Handler) renderAssign(c *fiber.Ctx, status int, errKey string) error {
	ctx := c.UserContext()
	locale := staffpage.Locale(c, assignTexts)
	v, err := h.assignView(ctx, assignTexts[locale])
	if err != nil {
		return h.Internal(c, "assignment settings", err)
	}
	s, _ := staff.Current(c)
	p := page{Frame: h.Frame(c, locale, v.T["title"]), CSRF: s.CSRF, Data: v}
	if errKey != "" {
		p.Error = v.T["err_"+errKey]
	} else if c.Query("done") == "assign" {
		p.Done = v.T["saved"]
	}
	return h.Render(c, status, "assign.html", p)
}

func (h *Handler) assignView(ctx context.Context, t map[string]string) (assignView, error) {
	v := assignView{T: t, Modes: store.AssignModes}
	branches, err := h.store.Branches(ctx)
	if err != nil {
		return v, err
	}
	codes := map[int64]string{}
	for _, b := range branches {
		mode, err := h.store.AssignMode(ctx, b.ID)
		if err != nil {
			return v, err
		}
		codes[b.ID] = b.Code
		v.Branches = append(v.Branches, assignBranch{Branch: b, Mode: mode})
	}
	users, err := h.store.UsersWithBranches(ctx)
	if err != nil {
		return v, err
	}
	for _, u := range users {
		ext, err := h.store.UserExternalID(ctx, u.ID)
		if err != nil {
			return v, err
		}
		duties, err := h.store.UserDuties(ctx, u.ID)
		if err != nil {
			return v, err
		}
		au := assignUser{UserRow: u, ExternalID: ext}
		for _, d := range duties {
			au.Duties = append(au.Duties, assignDuty{TeamMember: d, Code: codes[d.BranchID]})
		}
		v.Users = append(v.Users, au)
	}
	return v, nil
}

// assignBranchSave is POST /admin/assign/branches/:id (mode); audited.
func (h *Handler) assignBranchSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	mode := c.FormValue("mode")
	if !slices.Contains(store.AssignModes, mode) {
		return h.renderAssign(c, fiber.StatusBadRequest, "mode")
	}
	ctx := c.UserContext()
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetAssignMode(ctx, b.ID, mode); err != nil {
			return err
		}
		return staffpage.Audit(ctx, c, tx, store.AuditAdminChanged, "branch "+b.Code, "assign_mode="+mode)
	})
	if err != nil {
		return h.Internal(c, "set assignment mode", err)
	}
	return c.Redirect("/admin/assign?done=assign", fiber.StatusSeeOther)
}

// assignUserSave is POST /admin/assign/users/:id: external_id, and for each
// branch of the user capacity_<branch id> and observer_<branch id>. Every
// field is checked before anything is stored; audited.
func (h *Handler) assignUserSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return c.Status(fiber.StatusNotFound).SendString(words(c)["err_no_user"])
	}
	u, err := h.store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).SendString(words(c)["err_no_user"])
	}
	if err != nil {
		return h.Internal(c, "load user", err)
	}
	ext := strings.TrimSpace(c.FormValue("external_id"))
	if utf8.RuneCountInString(ext) > 64 || !utf8.ValidString(ext) || strings.IndexFunc(ext, unicode.IsControl) >= 0 {
		return h.renderAssign(c, fiber.StatusBadRequest, "external_id")
	}
	duties, err := h.store.UserDuties(ctx, u.ID)
	if err != nil {
		return h.Internal(c, "user duties", err)
	}
	capacities := make([]int, len(duties))
	for i, d := range duties {
		raw := strings.TrimSpace(c.FormValue(fmt.Sprintf("capacity_%d", d.BranchID)))
		if raw == "" {
			raw = "0"
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 999 {
			return h.renderAssign(c, fiber.StatusBadRequest, "capacity")
		}
		capacities[i] = n
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserExternalID(ctx, u.ID, ext); err != nil {
			return err
		}
		detail := fmt.Sprintf("external_id=%q", ext)
		for i, d := range duties {
			observer := c.FormValue(fmt.Sprintf("observer_%d", d.BranchID)) != ""
			if err := tx.SetBranchDuty(ctx, u.ID, d.BranchID, capacities[i], observer); err != nil {
				return err
			}
			detail += fmt.Sprintf(" branch%d:capacity=%d,observer=%v", d.BranchID, capacities[i], observer)
		}
		return staffpage.Audit(ctx, c, tx, store.AuditAdminChanged, "user "+u.Login, detail)
	})
	if err != nil {
		return h.Internal(c, "save user duties", err)
	}
	return c.Redirect("/admin/assign?done=assign", fiber.StatusSeeOther)
}
