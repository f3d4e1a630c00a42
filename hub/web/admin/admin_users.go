package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// usersView is what users.html shows.
type usersView struct {
	Users    []store.UserRow
	Branches []hub.Branch
	Roles    []string
	Form     userForm
}

type userForm struct {
	Login, Name, Role string
	BranchIDs         map[int64]bool
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
	return usersView{Users: users, Branches: branches, Roles: store.Roles, Form: f}, nil
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
	f := userForm{Login: c.FormValue("login"), Name: c.FormValue("name"), Role: c.FormValue("role"), BranchIDs: map[int64]bool{}}
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
			return h.refuse(c, "users.html", v, "unknown branch "+strconv.Quote(string(raw)))
		}
		ids = append(ids, id)
		f.BranchIDs[id] = true
	}
	s, _ := staff.Current(c)
	u, err := staff.AddUser(c.UserContext(), h.store, staff.NewUser{
		Login: f.Login, Name: f.Name, Role: f.Role, Password: c.FormValue("password"), BranchIDs: ids,
	}, &s.User.ID)
	if errors.Is(err, store.ErrLoginTaken) {
		return h.refuse(c, "users.html", v, "login "+strconv.Quote(store.NormalizeLogin(f.Login))+" is already taken")
	}
	if err != nil {
		// AddUser's checks name the field; a database failure is logged too.
		h.Log.Warn("admin", "op", "add user", "login", f.Login, "error", err)
		return h.refuse(c, "users.html", v, strings.TrimPrefix(err.Error(), "create user "))
	}
	h.Log.Info("admin", "op", "add user", "login", u.Login, "by", s.User.Login)
	return c.Redirect("/admin/users?done=user", fiber.StatusSeeOther)
}
