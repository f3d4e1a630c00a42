package account

import (
	"fmt"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/render"
)

// locales are the languages of the account pages.
var locales = []string{"ru", "pl", "en"}

// textParts are the words of each part of the pages; every part keeps its
// own in texts_<part>.go, in every locale.
func textParts() []map[string]map[string]string {
	return []map[string]map[string]string{commonTexts(), signInTexts(), garageTexts(), bookingTexts(), privacyTexts()}
}

// mergeTexts joins the parts' words; a key two parts define, or a key one
// locale lacks, is an error found at start-up (and by the tests).
func mergeTexts() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, l := range locales {
		out[l] = map[string]string{}
	}
	for _, part := range textParts() {
		for _, l := range locales {
			for k, v := range part[l] {
				if _, dup := out[l][k]; dup {
					return nil, fmt.Errorf("text %q is defined twice in %s", k, l)
				}
				out[l][k] = v
			}
		}
	}
	for k := range out["en"] {
		for _, l := range locales {
			if _, ok := out[l][k]; !ok {
				return nil, fmt.Errorf("text %q has no %s version", k, l)
			}
		}
	}
	return out, nil
}

// t is the word for key in locale; a missing key shows itself, so a test
// that reads the page notices.
func (h *Handler) t(locale, key string) string {
	if s, ok := h.texts[locale][key]; ok {
		return s
	}
	return key
}

// browserLocale is the first of the browser's languages the pages speak,
// else English.
func (h *Handler) browserLocale(c *fiber.Ctx) string {
	l := render.AcceptLanguage(c.Get(fiber.HeaderAcceptLanguage), func(p string) bool { _, ok := h.texts[p]; return ok })
	if l == "" {
		return "en"
	}
	return l
}

// page is what every view gets: the part's data, the visitor (zero on the
// public pages) and the words of the visitor's language.
type page struct {
	Title   string
	Locale  string
	Visitor visitor
	T       map[string]string
	Data    any
}

// render writes view (views/<view>.html, which calls the layout) with data.
// locale is the visitor's (or, signed out, the browser's).
func (h *Handler) render(c *fiber.Ctx, status int, view, locale, titleKey string, data any) error {
	p := page{Title: h.t(locale, titleKey), Locale: locale, Visitor: h.current(c), T: h.texts[locale], Data: data}
	return render.Page(c, h.views, status, view, p, h.internal)
}

// internal logs an error and answers a plain 500 that says nothing of it.
func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	return render.Internal(c, h.log, "account", what, err, "Internal error")
}

// viewFuncs are the helpers the views use.
func (h *Handler) viewFuncs() template.FuncMap {
	return template.FuncMap{
		"phone": hub.DisplayPhone,
	}
}
