package staff

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"naryad/hub/store"
)

// NewUser is an account to create.
type NewUser struct {
	Login     string
	Name      string
	Role      string // store.RoleAdmin, RoleAdvisor or RoleMechanic
	Locale    string // one of store.UserLocales; '' lets the pages choose
	Password  string // at least MinPasswordLen characters
	BranchIDs []int64
}

// UserError is a new account AddUser refuses: Field names what is wrong
// (login, role, password, branch, locale) and Value what was given, so a
// page says it in its user's language; the text is for the command line
// and the log.
type UserError struct {
	Field, Value, Text string
}

func (e *UserError) Error() string { return e.Text }

// AddUser checks and stores an account with its password hashed, and
// audits it as an admin change by actor (nil: the command line or the
// demo), all in one transaction. A refused account is a *UserError;
// a login in use, store.ErrLoginTaken.
func AddUser(ctx context.Context, st *store.Store, n NewUser, actor *int64) (store.User, error) {
	login := store.NormalizeLogin(n.Login)
	switch {
	case login == "" || strings.ContainsAny(login, " \t\r\n"):
		return store.User{}, &UserError{"login", n.Login, fmt.Sprintf("login %q: required, without spaces", n.Login)}
	case !slices.Contains(store.Roles, n.Role):
		return store.User{}, &UserError{"role", n.Role, fmt.Sprintf("role %q: must be one of %s", n.Role, strings.Join(store.Roles, ", "))}
	case utf8.RuneCountInString(n.Password) < MinPasswordLen:
		return store.User{}, &UserError{"password", strconv.Itoa(MinPasswordLen), fmt.Sprintf("password: at least %d characters", MinPasswordLen)}
	case len(n.BranchIDs) == 0:
		return store.User{}, &UserError{"branch", "", "at least one branch is required"}
	case !slices.Contains(store.UserLocales, n.Locale):
		return store.User{}, &UserError{"locale", n.Locale, fmt.Sprintf("language %q: must be one of ru, pl, en or none", n.Locale)}
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Login: login, Name: strings.TrimSpace(n.Name), Role: n.Role, Locale: n.Locale, PasswordHash: hash}
	err = st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUser(ctx, &u, n.BranchIDs); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{UserID: actor, Action: store.AuditUserAdd, Subject: u.Login,
			Detail: fmt.Sprintf("role=%s branch_ids=%v", u.Role, n.BranchIDs)})
	})
	return u, err
}
