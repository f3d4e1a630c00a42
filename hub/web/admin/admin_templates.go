package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// templatesView is what templates.html shows: the chooser, and once a
// branch, key and locale are chosen, the override or the default.
type templatesView struct {
	Branches            []hub.Branch
	Keys, Locales       []string
	Branch, Key, Locale string
	Chosen              bool
	Overridden          bool
	Body                string // the override, or what the editor holds
	Default             string // the default text rendered with sample data
}

// templateShow is GET /admin/templates?branch=CODE&key=KEY&locale=LOCALE.
func (h *Handler) templateShow(c *fiber.Ctx) error {
	v, b, problem, err := h.templatesView(c, c.Query("branch"), c.Query("key"), c.Query("locale"))
	if err != nil {
		return h.Internal(c, "template", err)
	}
	if problem != "" {
		return h.refuse(c, "templates.html", v, problem)
	}
	if v.Chosen {
		body, found, err := h.store.TemplateOverride(c.UserContext(), b.ID, v.Key, v.Locale)
		if err != nil {
			return h.Internal(c, "template override", err)
		}
		v.Body, v.Overridden = body, found
	}
	return h.Render(c, fiber.StatusOK, "templates.html", h.newPage(c, v))
}

// templateSave is POST /admin/templates: branch, key, locale and either
// action=reset or a body, which templates.Validate must accept first.
func (h *Handler) templateSave(c *fiber.Ctx) error {
	v, b, problem, err := h.templatesView(c, c.FormValue("branch"), c.FormValue("key"), c.FormValue("locale"))
	if err != nil {
		return h.Internal(c, "template", err)
	}
	v.Body = c.FormValue("body")
	if problem == "" && !v.Chosen {
		problem = words(c)["err_choose"]
	}
	if problem != "" {
		return h.refuse(c, "templates.html", v, problem)
	}
	ctx, reset := c.UserContext(), c.FormValue("action") == "reset"
	if !reset {
		if err := templates.Validate(v.Key, v.Body); err != nil {
			_, found, _ := h.store.TemplateOverride(ctx, b.ID, v.Key, v.Locale)
			v.Overridden = found
			return h.refuse(c, "templates.html", v, err.Error())
		}
	}
	subject := fmt.Sprintf("template %s/%s branch %s", v.Key, v.Locale, b.Code)
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if reset {
			if err := tx.DeleteTemplateOverride(ctx, b.ID, v.Key, v.Locale); err != nil {
				return err
			}
			return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, subject, "template_reset")
		}
		if err := tx.SaveTemplateOverride(ctx, b.ID, v.Key, v.Locale, v.Body); err != nil {
			return err
		}
		return staffpage.Audit(c.UserContext(), c, tx, store.AuditAdminChanged, subject, fmt.Sprintf("template_set bytes=%d", len(v.Body)))
	})
	if err != nil {
		return h.Internal(c, "save template", err)
	}
	q := url.Values{"branch": {b.Code}, "key": {v.Key}, "locale": {v.Locale}, "done": {"template"}}
	if reset {
		q.Set("done", "reset")
	}
	return c.Redirect("/admin/templates?"+q.Encode(), fiber.StatusSeeOther)
}

// templatesView checks a chosen branch, key and locale (all empty: nothing
// chosen yet) and previews the default text. problem says what is wrong
// with the choice.
func (h *Handler) templatesView(c *fiber.Ctx, branch, key, locale string) (v templatesView, b hub.Branch, problem string, err error) {
	ctx := c.UserContext()
	v = templatesView{Keys: templates.Keys(), Locales: templates.Locales(), Branch: branch, Key: key, Locale: locale}
	if v.Branches, err = h.store.Branches(ctx); err != nil {
		return v, b, "", err
	}
	if branch == "" && key == "" && locale == "" {
		return v, b, "", nil
	}
	switch {
	case !templates.IsKey(key):
		return v, b, fmt.Sprintf(words(c)["err_unknown_template"], key), nil
	case !slices.Contains(templates.Locales(), locale):
		return v, b, words(c)["err_locale"], nil
	}
	b, err = h.store.BranchByCode(ctx, branch)
	if errors.Is(err, store.ErrNotFound) {
		return v, b, fmt.Sprintf(words(c)["err_unknown_branch"], strconv.Quote(branch)), nil
	}
	if err != nil {
		return v, b, "", err
	}
	v.Chosen = true
	v.Default = h.preview(ctx, key, locale, previewTexts[staffpage.Locale(c, previewTexts)])
	return v, b, "", nil
}

// preview renders the default text of key in locale with sample data
// whose words (sample, the admin's previewTexts) the admin reads.
func (h *Handler) preview(ctx context.Context, key, locale string, sample map[string]string) string {
	currency := map[string]string{templates.LocaleRU: "RUB", templates.LocalePL: "PLN"}[locale]
	text, err := h.defaults.Render(ctx, 0, key, templates.Data{
		CustomerName: "Ivan Petrov", BranchName: "AutoService", BranchPhone: "+7 495 123-45-67",
		WorkOrderNumber: "00012345", Vehicle: "Škoda Octavia A123BC77", Plate: "A123BC77", Status: hub.StatusReady,
		Link: "https://naryad.example/c/AbC123", Text: sample["text"], DocumentName: sample["document"],
		PromisedAt: time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC), Currency: cmp.Or(currency, "EUR"), TotalMinor: 1250000,
		Lines: []templates.Line{{Name: sample["line"], TotalMinor: 1250000}}, Locale: locale,
	})
	if err != nil {
		return fmt.Sprintf(sample["failed"], err.Error())
	}
	return text
}
