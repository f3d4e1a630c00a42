package templates

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"text/template"
)

// emailFiles holds the e-mail forms: email/<locale>.txt (subjects,
// dedicated plain-text bodies, the text footer), email/<locale>.html
// (dedicated HTML bodies, labels) and email/layout.html (the one layout).
//
//go:embed email/*.txt email/*.html
var emailFiles embed.FS

// Suffixes of a key's e-mail blocks.
const (
	subjectSuffix = ".subject" // required for every key
	textSuffix    = ".text"    // optional: replaces the SMS text as the text part
	htmlSuffix    = ".html"    // optional: replaces the linked text as the HTML body
)

// maxEmailBytes caps an e-mail's HTML: a table of a customer's expiring
// items is a few KiB; anything near this is a runaway.
const maxEmailBytes = 256 << 10

// emailSet is one locale's parsed e-mail blocks.
type emailSet struct {
	text *template.Template     // subjects, text bodies, "footer.text"
	html *htmltemplate.Template // layout, "paragraphs", HTML bodies, labels
}

// parseEmail parses and checks every locale's e-mail blocks: each key has
// a subject, and every subject and dedicated body renders for the sample
// data, so a broken translation stops start-up.
func parseEmail(files fs.FS) (map[string]emailSet, error) {
	layout, err := fs.ReadFile(files, "email/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: read email/layout.html: %w", err)
	}
	out := make(map[string]emailSet, len(Locales()))
	for _, locale := range Locales() {
		textName, htmlName := "email/"+locale+".txt", "email/"+locale+".html"
		textSrc, err := fs.ReadFile(files, textName)
		if err != nil {
			return nil, fmt.Errorf("templates: read %s: %w", textName, err)
		}
		htmlSrc, err := fs.ReadFile(files, htmlName)
		if err != nil {
			return nil, fmt.Errorf("templates: read %s: %w", htmlName, err)
		}
		text, err := newTemplate(textName, locale).Parse(string(textSrc))
		if err != nil {
			return nil, fmt.Errorf("templates: parse %s: %w", textName, err)
		}
		html := htmltemplate.New(htmlName).Option("missingkey=error").Funcs(htmlFuncs(locale))
		if html, err = html.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("templates: parse email/layout.html: %w", err)
		}
		if html, err = html.Parse(string(htmlSrc)); err != nil {
			return nil, fmt.Errorf("templates: parse %s: %w", htmlName, err)
		}
		set := emailSet{text: text, html: html}
		if err := set.check(locale); err != nil {
			return nil, fmt.Errorf("templates: e-mail %s: %w", locale, err)
		}
		out[locale] = set
	}
	return out, nil
}

// check renders every key's subject and dedicated bodies for the samples
// of locale, and the layout with a full footer.
func (s emailSet) check(locale string) error {
	for _, key := range Keys() {
		t := s.text.Lookup(key + subjectSuffix)
		if t == nil {
			return fmt.Errorf("missing %s%s", key, subjectSuffix)
		}
		for _, d := range samples(locale) {
			d = prepare(d)
			if _, err := execute(t, d); err != nil {
				return fmt.Errorf("%s%s: %w", key, subjectSuffix, err)
			}
			if tt := s.text.Lookup(key + textSuffix); tt != nil {
				if _, err := execute(tt, d); err != nil {
					return fmt.Errorf("%s%s: %w", key, textSuffix, err)
				}
			}
			if ht := s.html.Lookup(key + htmlSuffix); ht != nil {
				if err := ht.Execute(&cappedBuffer{max: maxEmailBytes}, d); err != nil {
					return fmt.Errorf("%s%s: %w", key, htmlSuffix, err)
				}
			}
		}
	}
	for _, name := range []string{"layout", "paragraphs", "label.phone", "label.unsubscribe", "label.unsubscribe_why"} {
		if s.html.Lookup(name) == nil {
			return fmt.Errorf("missing %s", name)
		}
	}
	if s.text.Lookup("footer.text") == nil {
		return fmt.Errorf("missing footer.text")
	}
	f := Footer{Name: "AutoService", Address: "ul. Długa 1", City: "Warszawa", Phone: "+48 22 123 45 67", UnsubscribeURL: "https://naryad.example/u/x"}
	if err := s.html.ExecuteTemplate(&cappedBuffer{max: maxEmailBytes}, "layout", emailPage{Lang: locale, Subject: "s", Footer: f}); err != nil {
		return fmt.Errorf("layout: %w", err)
	}
	return s.text.ExecuteTemplate(&cappedBuffer{max: maxTextBytes}, "footer.text", f)
}

// htmlFuncs are the text helpers plus what the layout needs.
func htmlFuncs(locale string) htmltemplate.FuncMap {
	m := htmltemplate.FuncMap(funcs(locale))
	m["telHref"] = telHref
	return m
}
