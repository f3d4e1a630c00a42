package templates

import (
	"strings"
	"testing"
	"time"
)

var testFooter = Footer{Name: "Serwis Mokotów", Address: "ul. Puławska 10", City: "Warszawa", Phone: "+48 22 123 45 67",
	UnsubscribeURL: "https://naryad.example/unsubscribe/abc"}

// Every key has an e-mail form in every locale: a one-line subject, a
// text part and an HTML part in the one layout, both with the footer; the
// HTML has no external resources and keeps to 600 px.
func TestRenderEmailEveryKeyAndLocale(t *testing.T) {
	r := newRenderer(t, nil)
	for _, locale := range Locales() {
		for _, key := range Keys() {
			e, err := r.RenderEmail(t.Context(), 1, key, sampleData(locale), testFooter)
			if err != nil {
				t.Fatalf("%s %s: %v", locale, key, err)
			}
			if e.Subject == "" || strings.ContainsAny(e.Subject, "\r\n") || !strings.HasPrefix(e.Subject, "AutoService Centre: ") {
				t.Errorf("%s %s: subject %q", locale, key, e.Subject)
			}
			for _, want := range []string{"max-width:600px", `lang="` + locale + `"`, "Serwis Mokotów", "ul. Puławska 10, Warszawa", `href="tel:&#43;48221234567"`, testFooter.UnsubscribeURL} {
				if !strings.Contains(e.HTML, want) {
					t.Errorf("%s %s: HTML lacks %q", locale, key, want)
				}
			}
			for _, bad := range []string{"<img", "<link", "<style", "<script", "src="} {
				if strings.Contains(e.HTML, bad) {
					t.Errorf("%s %s: HTML has %q", locale, key, bad)
				}
			}
			for _, want := range []string{"Serwis Mokotów", "ul. Puławska 10, Warszawa", "+48 22 123 45 67", testFooter.UnsubscribeURL} {
				if !strings.Contains(e.Text, want) {
					t.Errorf("%s %s: text lacks %q:\n%s", locale, key, want, e.Text)
				}
			}
		}
	}
}

// The expiry reminder lists every item in one table (item, date, days
// left, how to renew) in HTML and as lines in the text part.
func TestRenderEmailExpiryTable(t *testing.T) {
	r := newRenderer(t, nil)
	warsaw := mustZone(t, "Europe/Warsaw")
	d := Data{BranchName: "Serwis", BranchPhone: "+48 22 1", Locale: "pl-PL", Location: warsaw, Link: "https://naryad.example/c/Zz9",
		Items: []Item{
			{Title: "Ubezpieczenie OC", Kind: "insurance", ExpiresAt: time.Date(2026, 12, 17, 0, 0, 0, 0, warsaw), DaysLeft: 10},
			{Title: "Abonament GPS", Kind: "subscription", ExpiresAt: time.Date(2026, 12, 7, 0, 0, 0, 0, warsaw), DaysLeft: 0},
		}}
	e, err := r.RenderEmail(t.Context(), 1, KeyReminderExpiring, d, Footer{Name: "Serwis"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Serwis: wkrótce wygasa (pozycje: 2)" {
		t.Errorf("subject %q", e.Subject)
	}
	if strings.Count(e.HTML, "<table") != 1 || strings.Count(e.HTML, "<tr") != 3 {
		t.Errorf("want one table with a header and two rows:\n%s", e.HTML)
	}
	for _, want := range []string{"<th", "Zostało dni", "Jak przedłużyć", "<td style=\"padding:6px 4px;overflow-wrap:break-word;word-wrap:break-word;\">Ubezpieczenie OC</td>",
		"17.12.2026", ">10<", "<b>dziś</b>", `href="https://naryad.example/c/Zz9"`} {
		if !strings.Contains(e.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(e.HTML, "Wypisz") {
		t.Error("no unsubscribe address given, yet the footer offers one")
	}
	for _, want := range []string{"- Ubezpieczenie OC: 17.12.2026, zostało dni: 10", "- Abonament GPS: 07.12.2026, dziś", "Przedłuż online: https://naryad.example/c/Zz9", "--\nSerwis"} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, e.Text)
		}
	}
}

// What the data brings stays text: an item called <script> and a branch
// name with markup and a line break.
func TestRenderEmailEscapes(t *testing.T) {
	r := newRenderer(t, nil)
	d := Data{BranchName: "Evil <b>\r\nBcc: x@y", Locale: "en", Link: `https://x.example/c/1?a="><script>`,
		Items: []Item{{Title: `<script>alert(1)</script>`, ExpiresAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), DaysLeft: 3}}}
	f := Footer{Name: `<img src=x onerror=alert(1)>`, Address: "a & b"}
	for _, key := range []string{KeyReminderExpiring, KeyStatusReceived} {
		e, err := r.RenderEmail(t.Context(), 1, key, d, f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.HTML, "<script") || strings.Contains(e.HTML, "<img") || strings.Contains(e.HTML, "<b>\r") {
			t.Errorf("%s: markup got through:\n%s", key, e.HTML)
		}
		if !strings.Contains(e.HTML, "&lt;img src=x onerror=alert(1)&gt;") || !strings.Contains(e.HTML, "a &amp; b") {
			t.Errorf("%s: footer not shown escaped:\n%s", key, e.HTML)
		}
		if strings.ContainsAny(e.Subject, "\r\n") || !strings.HasPrefix(e.Subject, "Evil <b> Bcc: x@y") {
			t.Errorf("%s: subject %q", key, e.Subject)
		}
	}
	e, _ := r.RenderEmail(t.Context(), 1, KeyReminderExpiring, d, f)
	if !strings.Contains(e.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the item's title is not shown as text:\n%s", e.HTML)
	}
}

// A key without a dedicated body sends the branch's own text (its
// override) in both parts, its link clickable in the HTML.
func TestRenderEmailUsesOverrideText(t *testing.T) {
	o := &fakeOverrides{bodies: map[overrideKey]string{{7, KeyStatusReady, LocaleEN}: "Ready at {{.BranchName}}! {{.Link}}"}}
	r := newRenderer(t, o)
	d := Data{BranchName: "Garage", WorkOrderNumber: "12", Link: "https://naryad.example/c/Q1", Locale: "en"}
	e, err := r.RenderEmail(t.Context(), 7, KeyStatusReady, d, Footer{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Text, "Ready at Garage! https://naryad.example/c/Q1") {
		t.Errorf("text %q", e.Text)
	}
	if !strings.Contains(e.HTML, `Ready at Garage! <a href="https://naryad.example/c/Q1"`) {
		t.Errorf("HTML:\n%s", e.HTML)
	}
	if _, err := r.RenderEmail(t.Context(), 7, "no.such", d, Footer{}); err == nil {
		t.Error("unknown key rendered")
	}
}

// A link that is not http(s) stays text.
func TestParagraphsLinkOnlyHTTP(t *testing.T) {
	got := paragraphs("go javascript:alert(1) https://a.example/x\n\nnext")
	if len(got) != 2 || len(got[0]) != 2 || got[0][1].URL != "https://a.example/x" || got[0][0].Text != "go javascript:alert(1) " {
		t.Errorf("paragraphs = %+v", got)
	}
}
