package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"text/template"
)

// defaultFiles holds defaults/<locale>.txt: one file per locale so a
// translator sees every message of a language together.
//
//go:embed defaults/*.txt
var defaultFiles embed.FS

// variant names one text: a message key in one locale.
type variant struct{ key, locale string }

// newTemplate starts a template whose helpers speak locale. missingkey=error
// matters little for the Data struct (an unknown field is always an error)
// but keeps a mistyped map key from printing "<no value>" to a customer if
// Data ever grows a map.
func newTemplate(name, locale string) *template.Template {
	return template.New(name).Option("missingkey=error").Funcs(funcs(locale))
}

// parseDefaults parses and checks the defaults/<locale>.txt files of files
// (the embedded ones outside tests). Any fault is returned, so a broken
// translation stops start-up instead of a customer's message.
func parseDefaults(files fs.FS) (map[variant]*template.Template, error) {
	out := make(map[variant]*template.Template)
	for _, locale := range Locales() {
		name := "defaults/" + locale + ".txt"
		src, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("templates: read %s: %w", name, err)
		}
		set, err := newTemplate(name, locale).Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("templates: parse %s: %w", name, err)
		}
		for _, t := range set.Templates() {
			if t.Name() != name && !IsKey(t.Name()) {
				return nil, fmt.Errorf("templates: %s: defines unknown key %q", name, t.Name())
			}
		}
		for _, key := range Keys() {
			t := set.Lookup(key)
			if t == nil {
				return nil, fmt.Errorf("templates: %s: missing %s", name, key)
			}
			if err := check(t, locale); err != nil {
				return nil, fmt.Errorf("templates: %s: %s: %w", name, key, err)
			}
			out[variant{key, locale}] = t
		}
	}
	return out, nil
}
