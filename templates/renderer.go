package templates

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/template"
)

// Overrides looks up a branch's own text for a key and locale; found=false
// means use the default.
type Overrides interface {
	TemplateOverride(ctx context.Context, branchID int64, key, locale string) (body string, found bool, err error)
}

// Renderer produces customer messages from the embedded defaults and any
// branch overrides. It is safe for concurrent use once built.
type Renderer struct {
	// OnBadOverride, if set, is called when a stored override no longer
	// parses, fails to execute or renders empty; Render has sent the
	// default text instead. It is meant for logging. Set it before the
	// first Render; it may be called from several goroutines at once.
	OnBadOverride func(branchID int64, key, locale string, err error)

	overrides Overrides // nil: defaults only
	defaults  map[variant]*template.Template
	email     map[string]emailSet // by locale
	cache     *overrideCache
}

// New parses every embedded default once and checks each against sample
// data, so a missing or broken translation fails start-up. o may be nil.
func New(o Overrides) (*Renderer, error) {
	defaults, err := parseDefaults(defaultFiles)
	if err != nil {
		return nil, err
	}
	email, err := parseEmail(emailFiles)
	if err != nil {
		return nil, err
	}
	return &Renderer{
		overrides: o,
		defaults:  defaults,
		email:     email,
		cache:     newOverrideCache(maxCachedOverrides),
	}, nil
}

// LogBadOverrides makes every bad override an error in log, naming the
// branch, key and locale, which is what a running hub and a CSV import both
// want from OnBadOverride. Call it before the first Render.
func (r *Renderer) LogBadOverrides(log *slog.Logger) {
	r.OnBadOverride = func(branchID int64, key, locale string, err error) {
		log.Error("bad template override; default used", "branch_id", branchID, "key", key, "locale", locale, "error", err)
	}
}

// WithOverrides returns a renderer that shares r's parsed defaults, cache
// and hook but looks overrides up in o — typically the caller's database
// transaction, so rendering inside it needs no second connection.
func (r *Renderer) WithOverrides(o Overrides) *Renderer {
	c := *r
	c.overrides = o
	return &c
}

// Render returns the text for key in d's locale (normalised; unknown → en)
// for a branch, trimmed of surrounding whitespace. A branch override is used
// when one is found and works; otherwise the default. An error means no text
// should be sent: unknown key, failed override lookup, or a default that
// cannot render this data (e.g. an unknown currency).
func (r *Renderer) Render(ctx context.Context, branchID int64, key string, d Data) (string, error) {
	if !IsKey(key) {
		return "", fmt.Errorf("templates: render: unknown key %q", key)
	}
	d = prepare(d)
	if r.overrides != nil {
		body, found, err := r.overrides.TemplateOverride(ctx, branchID, key, d.Locale)
		if err != nil {
			return "", fmt.Errorf("templates: render %s: look up override: %w", key, err)
		}
		if found {
			out, err := r.renderOverride(branchID, key, d.Locale, body, d)
			if err == nil {
				return out, nil
			}
			if r.OnBadOverride != nil {
				r.OnBadOverride(branchID, key, d.Locale, err)
			}
		}
	}
	out, err := execute(r.defaults[variant{key, d.Locale}], d)
	if err != nil {
		return "", fmt.Errorf("templates: render %s (%s): %w", key, d.Locale, err)
	}
	return out, nil
}

// renderOverride executes a branch's body, parsing it only the first time
// it is seen.
func (r *Renderer) renderOverride(branchID int64, key, locale, body string, d Data) (string, error) {
	id := overrideID{branchID: branchID, key: key, locale: locale, body: body}
	t, err := r.cache.get(id, func() (*template.Template, error) {
		return parseOverride(key, locale, body)
	})
	if err != nil {
		return "", err
	}
	return execute(t, d)
}

// parseOverride parses one branch text for key in locale.
func parseOverride(key, locale, body string) (*template.Template, error) {
	if strings.TrimSpace(body) == "" {
		return nil, fmt.Errorf("template: %s: empty body", key)
	}
	return newTemplate(key, locale).Parse(body)
}
