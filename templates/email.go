package templates

import (
	"context"
	"fmt"
	htmltemplate "html/template"
	"strings"
)

// Email is one message's e-mail form: a one-line subject, the HTML part and
// the plain-text part.
type Email struct {
	Subject, HTML, Text string
}

// Footer is what closes every e-mail: the branch's name, address and
// phone (the branch directory's fields, issue 19) and, for a message the
// customer may refuse, the one-click unsubscribe address.
type Footer struct {
	Name, Address, City, Phone string
	UnsubscribeURL             string
}

// Place is the address line: "Address, City", either alone, or "".
func (f Footer) Place() string {
	var parts []string
	for _, p := range []string{f.Address, f.City} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// emailPage is what the HTML layout sees.
type emailPage struct {
	Lang, Subject string
	Body          htmltemplate.HTML
	Footer        Footer
}

// RenderEmail returns the e-mail form of key for a branch in d's locale:
// the subject from the embedded defaults, the plain text (the key's
// dedicated text body if it has one, else the same text Render gives, a
// branch override included) followed by the footer, and the HTML part (the
// key's dedicated HTML body if it has one, else that text with its links
// made clickable) in the one layout with the footer. Everything the data
// brings is escaped in the HTML part.
func (r *Renderer) RenderEmail(ctx context.Context, branchID int64, key string, d Data, f Footer) (Email, error) {
	if !IsKey(key) {
		return Email{}, fmt.Errorf("templates: render e-mail: unknown key %q", key)
	}
	if r.email == nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s: renderer has no e-mail forms", key)
	}
	d = prepare(d)
	set := r.email[d.Locale]
	subject, err := execute(set.text.Lookup(key+subjectSuffix), d)
	if err != nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s (%s) subject: %w", key, d.Locale, err)
	}
	subject = oneLine(subject)

	var text string
	if t := set.text.Lookup(key + textSuffix); t != nil {
		text, err = execute(t, d)
	} else {
		text, err = r.Render(ctx, branchID, key, d)
	}
	if err != nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s (%s) text: %w", key, d.Locale, err)
	}

	body := cappedBuffer{max: maxEmailBytes}
	if t := set.html.Lookup(key + htmlSuffix); t != nil {
		err = t.Execute(&body, d)
	} else {
		err = set.html.ExecuteTemplate(&body, "paragraphs", paragraphs(text))
	}
	if err != nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s (%s) html body: %w", key, d.Locale, err)
	}
	page := cappedBuffer{max: maxEmailBytes}
	err = set.html.ExecuteTemplate(&page, "layout", emailPage{
		Lang: d.Locale, Subject: subject, Body: htmltemplate.HTML(body.String()), Footer: f, //nolint:gosec // body is html/template output
	})
	if err != nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s (%s) layout: %w", key, d.Locale, err)
	}

	foot := cappedBuffer{max: maxTextBytes}
	if err := set.text.ExecuteTemplate(&foot, "footer.text", f); err != nil {
		return Email{}, fmt.Errorf("templates: render e-mail %s (%s) footer: %w", key, d.Locale, err)
	}
	return Email{Subject: subject, HTML: page.String(), Text: text + "\n\n" + strings.TrimSpace(foot.String()) + "\n"}, nil
}

// oneLine folds a subject's line breaks and runs of spaces into one space:
// a header is one line, and a name with a new line in it must not start
// another header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
