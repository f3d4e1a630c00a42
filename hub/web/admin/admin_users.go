package admin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// usersView is what users.html shows.
type usersView struct {
	Users    []store.UserRow
	Branches []hub.Branch
	Roles    []string
	Locales  []string // store.UserLocales
	Form     userForm
}

type userForm struct {
	Login, Name, Role, Locale string
	BranchIDs                 map[int64]bool
}

func (h *Handler) usersView(c *fiber.Ctx, f userForm) (usersView, error) {
	users, err := h.store.UsersWithBranches(c.UserContext())
	if err != nil {
		return usersView{}, err
	}
	branches, err := h.store.Branches(c.UserContext())
	if err != nil {
		return usersView{}, err
	}
	return usersView{Users: users, Branches: branches, Roles: store.Roles, Locales: store.UserLocales, Form: f}, nil
}

// userList is GET /admin/users.
func (h *Handler) userList(c *fiber.Ctx) error {
	v, err := h.usersView(c, userForm{Role: store.RoleAdvisor})
	if err != nil {
		return h.Internal(c, "list users", err)
	}
	return h.Render(c, fiber.StatusOK, "users.html", h.newPage(c, v))
}

// userAdd is POST /admin/users: login, name, role, branch (repeated),
// password. staff.AddUser checks it and audits it with the account.
func (h *Handler) userAdd(c *fiber.Ctx) error {
	f := userForm{Login: c.FormValue("login"), Name: c.FormValue("name"), Role: c.FormValue("role"), Locale: c.FormValue("locale"),
		BranchIDs: map[int64]bool{}}
	t := words(c)
	v, err := h.usersView(c, f)
	if err != nil {
		return h.Internal(c, "list users", err)
	}
	known := map[int64]bool{}
	for _, b := range v.Branches {
		known[b.ID] = true
	}
	var ids []int64
	for _, raw := range c.Context().PostArgs().PeekMulti("branch") {
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || !known[id] {
			return h.refuse(c, "users.html", v, fmt.Sprintf(t["err_unknown_branch"], strconv.Quote(string(raw))))
		}
		ids = append(ids, id)
		f.BranchIDs[id] = true
	}
	s, _ := staff.Current(c)
	u, err := staff.AddUser(c.UserContext(), h.store, staff.NewUser{
		Login: f.Login, Name: f.Name, Role: f.Role, Locale: f.Locale, Password: c.FormValue("password"), BranchIDs: ids,
	}, &s.User.ID)
	if errors.Is(err, store.ErrLoginTaken) {
		return h.refuse(c, "users.html", v, fmt.Sprintf(t["err_login_taken"], strconv.Quote(store.NormalizeLogin(f.Login))))
	}
	var ue *staff.UserError
	if errors.As(err, &ue) {
		said, value := refusals(c)["user_"+ue.Field], ue.Value
		if ue.Field != "password" { // the password's value is its least length, not what was typed
			value = strconv.Quote(value)
		}
		if strings.Contains(said, "%s") {
			said = fmt.Sprintf(said, value)
		}
		return h.refuse(c, "users.html", v, fmt.Sprintf(t["err_user"], said))
	}
	if err != nil {
		return h.Internal(c, "add user", err)
	}
	h.Log.Info("admin", "op", "add user", "login", u.Login, "by", s.User.Login)
	return c.Redirect("/admin/users?done=user", fiber.StatusSeeOther)
}

// userLocale is POST /admin/users/<id>/locale (field locale: ”, ru, pl or
// en): the language the user's staff pages speak, as they could set it on
// their profile; audited.
func (h *Handler) userLocale(c *fiber.Ctx) error {
	t := words(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return c.Status(fiber.StatusNotFound).SendString(t["err_no_user"])
	}
	locale := c.FormValue("locale")
	err = h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetUserLocale(c.UserContext(), id, locale); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, "user "+strconv.FormatInt(id, 10), "locale="+locale)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.Status(fiber.StatusNotFound).SendString(t["err_no_user"])
	case errors.Is(err, store.ErrUnknownLocale):
		v, verr := h.usersView(c, userForm{Role: store.RoleAdvisor})
		if verr != nil {
			return h.Internal(c, "list users", verr)
		}
		return h.refuse(c, "users.html", v, t["err_locale"])
	case err != nil:
		return h.Internal(c, "set user language", err)
	}
	return c.Redirect("/admin/users?done=user_locale", fiber.StatusSeeOther)
}
