package templates

import (
	"fmt"
	"strings"
)

// Validate decides whether body may be stored as a branch's text for key.
// It refuses an unknown key, an empty body, a body that does not parse or
// calls an unknown function, names a field Data does not have, or fails to
// render sample data in any locale. The error is one line, e.g.
//
//	templates: status.ready: template: status.ready:1:2: executing "status.ready" at <.Nope>: can't evaluate field Nope in type templates.Data
func Validate(key, body string) error {
	if !IsKey(key) {
		return fmt.Errorf("templates: validate: unknown key %q", key)
	}
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("templates: %s: empty body", key)
	}
	for _, locale := range Locales() {
		t, err := parseOverride(key, locale, body)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", key, err)
		}
		if err := check(t, locale); err != nil {
			return fmt.Errorf("templates: %s: %w", key, err)
		}
	}
	return nil
}
