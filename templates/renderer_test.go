package templates

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRenderEveryDefault(t *testing.T) {
	r := newRenderer(t, nil)
	// The full sample promises 11:30 UTC, shown in the branch zone (UTC+3),
	// and has 4 500,00 + 11 000,50 awaiting approval.
	// The reminders of a vehicle or of expiring items are about no work
	// order: they show the due date (1 Dec), the season, both items.
	wantExtra := map[string]map[string]string{
		"ru": {KeyReminderDeclinedWork: "Brake pads; Brake discs", KeyStatusInProgress: "23.11.2026 14:30", KeyEstimateRequest: "15 500,50 ₽", KeyDocumentReady: "Invoice",
			KeyReminderApproval: "15 500,50 ₽", KeyReminderMaintenance: "01.12.2026", KeyReminderTyres: "зимние",
			KeyBookingConfirmed: "12.12.2026 10:00", KeyBookingMoved: "12.12.2026 10:00", KeyBookingDeclined: "12.12.2026 10:00",
			KeyReminderExpiring: "GPS subscription A123BC77 — 01.12.2026; Insurance — 05.12.2026"},
		"pl": {KeyReminderDeclinedWork: "Brake pads; Brake discs", KeyStatusInProgress: "23.11.2026 14:30", KeyEstimateRequest: "15 500,50 zł", KeyDocumentReady: "Invoice",
			KeyReminderApproval: "15 500,50 zł", KeyReminderMaintenance: "01.12.2026", KeyReminderTyres: "zimowe",
			KeyBookingConfirmed: "12.12.2026 10:00", KeyBookingMoved: "12.12.2026 10:00", KeyBookingDeclined: "12.12.2026 10:00",
			KeyReminderExpiring: "GPS subscription A123BC77 — 01.12.2026; Insurance — 05.12.2026"},
		"en": {KeyReminderDeclinedWork: "Brake pads; Brake discs", KeyStatusInProgress: "23 Nov 2026, 14:30", KeyEstimateRequest: "€15,500.50", KeyDocumentReady: "Invoice",
			KeyReminderApproval: "€15,500.50", KeyReminderMaintenance: "1 Dec 2026", KeyReminderTyres: "winter tyres",
			KeyBookingConfirmed: "12 Dec 2026, 10:00", KeyBookingMoved: "12 Dec 2026, 10:00", KeyBookingDeclined: "12 Dec 2026, 10:00",
			KeyReminderExpiring: "GPS subscription A123BC77 on 1 Dec 2026; Insurance on 5 Dec 2026"},
	}
	noWorkOrder := map[string]bool{KeyReminderMaintenance: true, KeyReminderTyres: true, KeyReminderExpiring: true, KeyReminderDeclinedWork: true,
		KeyBookingConfirmed: true, KeyBookingMoved: true, KeyBookingDeclined: true,
		KeyLoanKeyPickup: true, KeyLoanKeyReturn: true, KeyLoanKeyReturned: true}
	// The reminders of a vehicle link to the account's booking page, not
	// the thread's page; the booking answers carry the DMS's note.
	bookLink := map[string]bool{KeyReminderMaintenance: true, KeyReminderTyres: true, KeyReminderDeclinedWork: true}
	withNote := map[string]bool{KeyMessageAdvisor: true, KeyBookingConfirmed: true, KeyBookingMoved: true, KeyBookingDeclined: true}
	for _, locale := range Locales() {
		for _, key := range Keys() {
			t.Run(locale+"/"+key, func(t *testing.T) {
				d := sampleData(locale)
				got, err := r.Render(context.Background(), 1, key, d)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				want := []string{d.Link}
				if bookLink[key] {
					want = []string{d.BookURL}
				}
				switch {
				case withNote[key]:
					want = append(want, d.Text)
				case noWorkOrder[key]:
					want = append(want, d.BranchName)
				default:
					want = append(want, d.WorkOrderNumber, d.BranchName)
				}
				if extra, ok := wantExtra[locale][key]; ok {
					want = append(want, extra)
				}
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("text %q lacks %q", got, w)
					}
				}
				if strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("text %q shows template residue", got)
				}
				if got != strings.TrimSpace(got) {
					t.Errorf("text %q is not trimmed", got)
				}
			})
		}
	}
}

func TestRenderWithoutOptionalData(t *testing.T) {
	r := newRenderer(t, nil)
	for _, locale := range Locales() {
		for _, key := range Keys() {
			t.Run(locale+"/"+key, func(t *testing.T) {
				d := samples(locale)[1] // no link, no promise date, no phone
				got, err := r.Render(context.Background(), 1, key, d)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				if strings.Contains(got, "  ") || got != strings.TrimSpace(got) {
					t.Errorf("text %q has stray spaces", got)
				}
				if strings.Contains(got, "http") {
					t.Errorf("text %q has a link although Data.Link is empty", got)
				}
			})
		}
	}
}

func TestRenderLocaleResolution(t *testing.T) {
	r := newRenderer(t, nil)
	render := func(locale string) string {
		t.Helper()
		d := sampleData("en")
		d.Locale = locale
		got, err := r.Render(context.Background(), 1, KeyStatusReady, d)
		if err != nil {
			t.Fatalf("Render(%q): %v", locale, err)
		}
		return got
	}
	tests := []struct{ locale, sameAs string }{
		{"ru-RU", "ru"},
		{"PL", "pl"},
		{"de-DE", "en"},
		{"", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			if got, want := render(tt.locale), render(tt.sameAs); got != want {
				t.Errorf("locale %q rendered %q, want the %s text %q", tt.locale, got, tt.sameAs, want)
			}
		})
	}
	if render("ru") == render("en") {
		t.Error("ru and en render the same text")
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name   string
		o      Overrides
		key    string
		mutate func(*Data)
		is     error
	}{
		{"unknown key", nil, "status.lost", func(*Data) {}, nil},
		{"unknown currency", nil, KeyEstimateRequest, func(d *Data) { d.Currency = "" }, nil},
		{"empty advisor text and no link", nil, KeyMessageAdvisor, func(d *Data) { d.Text, d.Link = "", "" }, errEmpty},
		{"override lookup fails", &fakeOverrides{err: errLookup}, KeyStatusReady, func(*Data) {}, errLookup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRenderer(t, tt.o)
			d := sampleData("ru")
			tt.mutate(&d)
			got, err := r.Render(context.Background(), 1, tt.key, d)
			if err == nil {
				t.Fatalf("Render = %q, want an error", got)
			}
			if !strings.HasPrefix(err.Error(), "templates: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}

func TestRenderOverrides(t *testing.T) {
	const branch = 7
	bodies := map[overrideKey]string{
		{branch, KeyStatusReady, "ru"}:        "  Машина {{.Vehicle}} ждёт вас! {{.Link}}\n",
		{branch, KeyStatusReady, "pl"}:        "Auto {{.Plate}} gotowe. {{.Link}}",
		{branch, KeyStatusReceived, "ru"}:     "{{.BranchName",
		{branch, KeyStatusInProgress, "ru"}:   "{{.Nope}}",
		{branch, KeyStatusWaitingParts, "ru"}: "{{with .CustomerName}}{{end}}",
		{branch, KeyStatusCancelled, "ru"}:    "   ",
	}
	tests := []struct {
		name      string
		branchID  int64
		key       string
		locale    string
		want      string // exact text, or "" to compare with the default
		wantHook  bool
		hookMatch string
	}{
		{"override used and trimmed", branch, KeyStatusReady, "ru", "Машина Škoda Octavia A123BC77 ждёт вас! https://naryad.example/c/AbC123xyz", false, ""},
		{"override per locale", branch, KeyStatusReady, "pl-PL", "Auto A123BC77 gotowe. https://naryad.example/c/AbC123xyz", false, ""},
		{"no override for locale", branch, KeyStatusReady, "en", "", false, ""},
		{"no override for branch", branch + 1, KeyStatusReady, "ru", "", false, ""},
		{"override does not parse", branch, KeyStatusReceived, "ru", "", true, "unclosed action"},
		{"override names unknown field", branch, KeyStatusInProgress, "ru", "", true, "can't evaluate field Nope"},
		{"override renders empty", branch, KeyStatusWaitingParts, "ru", "", true, "renders empty"},
		{"override is blank", branch, KeyStatusCancelled, "ru", "", true, "empty body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := newRenderer(t, nil)
			r := newRenderer(t, &fakeOverrides{bodies: bodies})
			var hookErr error
			hookCalls := 0
			r.OnBadOverride = func(branchID int64, key, locale string, err error) {
				hookCalls++
				hookErr = err
				if branchID != tt.branchID || key != tt.key || locale != NormalizeLocale(tt.locale) {
					t.Errorf("hook got (%d, %s, %s)", branchID, key, locale)
				}
			}
			d := sampleData(tt.locale)
			d.Locale = tt.locale
			got, err := r.Render(context.Background(), tt.branchID, tt.key, d)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			want := tt.want
			if want == "" {
				if want, err = plain.Render(context.Background(), tt.branchID, tt.key, d); err != nil {
					t.Fatalf("default Render: %v", err)
				}
			}
			if got != want {
				t.Errorf("Render = %q, want %q", got, want)
			}
			if tt.wantHook != (hookCalls == 1) {
				t.Fatalf("hook called %d times, want called: %v", hookCalls, tt.wantHook)
			}
			if tt.wantHook && !strings.Contains(hookErr.Error(), tt.hookMatch) {
				t.Errorf("hook error %q does not mention %q", hookErr, tt.hookMatch)
			}
		})
	}
}

func TestBadOverrideWithoutHook(t *testing.T) {
	o := &fakeOverrides{bodies: map[overrideKey]string{{1, KeyStatusReady, "en"}: "{{.Nope}}"}}
	r := newRenderer(t, o) // OnBadOverride left nil
	if _, err := r.Render(context.Background(), 1, KeyStatusReady, sampleData("en")); err != nil {
		t.Fatalf("Render with a bad override and no hook: %v", err)
	}
}

// LogBadOverrides logs a bad override as an error naming where it is, and
// the customer still gets the default text.
func TestLogBadOverridesNamesTheOverride(t *testing.T) {
	o := &fakeOverrides{bodies: map[overrideKey]string{{4, KeyStatusReady, "en"}: "{{.Nope}}"}}
	r := newRenderer(t, o)
	var logged bytes.Buffer
	r.LogBadOverrides(slog.New(slog.NewTextHandler(&logged, nil)))
	if _, err := r.Render(context.Background(), 4, KeyStatusReady, sampleData("en")); err != nil {
		t.Fatalf("Render: %v", err)
	}
	line := logged.String()
	for _, want := range []string{"level=ERROR", "bad template override", "branch_id=4", "key=" + KeyStatusReady, "locale=en", "Nope"} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %q", line, want)
		}
	}
}

func TestWithOverridesReadsFromTheGivenSource(t *testing.T) {
	root := &fakeOverrides{}
	tx := &fakeOverrides{bodies: map[overrideKey]string{{7, KeyStatusReady, LocaleEN}: "Ready: {{.WorkOrderNumber}}"}}
	r := newRenderer(t, root)
	got, err := r.WithOverrides(tx).Render(context.Background(), 7, KeyStatusReady, Data{WorkOrderNumber: "AA-1", Locale: "en"})
	if err != nil || got != "Ready: AA-1" {
		t.Fatalf("Render = %q, %v; want the override from the given source", got, err)
	}
	if root.calls != 0 || tx.calls != 1 {
		t.Fatalf("lookups: root %d, given %d; want 0 and 1", root.calls, tx.calls)
	}
}

func TestNoDoubleSpacesWhenTheVehicleIsUnknown(t *testing.T) {
	r := newRenderer(t, nil)
	for _, locale := range Locales() {
		for _, key := range Keys() {
			got, err := r.Render(context.Background(), 1, key, Data{BranchName: "Сервис", WorkOrderNumber: "АА-1", Text: "Привет",
				DocumentName: "Счёт", Code: "482913", Currency: "RUB", TotalMinor: 100, Lines: []Line{{Name: "X", TotalMinor: 100}}, Locale: locale})
			if err != nil {
				t.Fatalf("%s/%s: %v", key, locale, err)
			}
			if strings.Contains(got, "  ") {
				t.Errorf("%s/%s has a double space without a vehicle: %q", key, locale, got)
			}
		}
	}
}
