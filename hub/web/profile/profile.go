// Package profile serves /profile, every signed-in user's own page: the
// name they are shown and sign with, and the language of the staff pages
// (ru, pl, en, or none: the browser's, then their first branch's). The
// layout's name in the header links here.
package profile

import (
	"embed"
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the profile page.
type Options struct {
	Logger *slog.Logger
}

// Handler serves /profile.
type Handler struct {
	*staffpage.Base
	store *store.Store
}

// New parses the views once; a broken view fails start-up. requireStaff is
// the staff handler's RequireStaff.
func New(st *store.Store, requireStaff func(roles ...string) fiber.Handler, o Options) (*Handler, error) {
	base, err := staffpage.New(staffpage.Surface{Name: "profile", StaticPrefix: "/static/p", Views: viewFiles, Static: staticFiles,
		Styles: []string{"profile.css"}}, requireStaff, staffpage.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	return &Handler{Base: base, store: st}, nil
}

// Register adds the profile routes, open to every role.
func (h *Handler) Register(app fiber.Router) {
	anyone := h.Routes(app).For()
	anyone.Get("/profile", h.show)
	anyone.Post("/profile", h.save)
}

// view is what profile.html shows.
type view struct {
	Frame   staffpage.Frame
	T       map[string]string
	Login   string
	Name    string
	Locale  string   // the user's choice, '' for none
	Locales []option // the choices, in their own words
	Error   string
	Saved   bool
}

type option struct{ Value, Label string }

func (h *Handler) view(c *fiber.Ctx, name, locale string) view {
	s, _ := staff.Current(c)
	l := staffpage.Locale(c, texts)
	t := texts[l]
	v := view{Frame: h.Frame(c, l, t["title"]), T: t, Login: s.User.Login, Name: name, Locale: locale}
	for _, code := range store.UserLocales {
		v.Locales = append(v.Locales, option{Value: code, Label: t["locale_"+code]})
	}
	return v
}

// show is GET /profile.
func (h *Handler) show(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	v := h.view(c, s.User.Name, s.User.Locale)
	v.Saved = c.Query("done") == "saved"
	return h.Render(c, fiber.StatusOK, "profile.html", v)
}

// save is POST /profile (fields name, locale). A refused field is a 400 with
// the form as it was sent and nothing stored; the change is audited.
func (h *Handler) save(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	name, locale := c.FormValue("name"), c.FormValue("locale")
	err := h.store.Tx(c.UserContext(), func(tx *store.Store) error {
		if err := tx.SetUserProfile(c.UserContext(), s.User.ID, name, locale); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditProfile, s.User.Login, "locale="+locale)
	})
	for refusal, key := range map[error]string{store.ErrUnknownLocale: "bad_locale", store.ErrNameTooLong: "bad_name"} {
		if errors.Is(err, refusal) {
			v := h.view(c, name, s.User.Locale)
			v.Error = v.T[key]
			return h.Render(c, fiber.StatusBadRequest, "profile.html", v)
		}
	}
	if err != nil {
		return h.Internal(c, "save profile", err)
	}
	return c.Redirect("/profile?done=saved", fiber.StatusSeeOther)
}
