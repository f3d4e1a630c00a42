package account

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/templates"
)

// registerPrivacy adds consent per purpose, the data download and the
// deletion request.
func (h *Handler) registerPrivacy(in fiber.Router) {
	in.Get("/privacy", h.privacyPage)
	in.Post("/privacy/consent", h.setConsent)
	in.Post("/privacy/channel", h.setChannel)
	in.Get("/privacy/export", h.exportData)
	in.Post("/privacy/delete", h.requestDeletion)
}

// privacyView is the page: each verified phone's consents and history.
type privacyView struct {
	Phones            []phoneConsents
	Flash, Error      string
	DeletionRequested string // when the customer asked, in their locale; "" if never
}

type phoneConsents struct {
	E164     string
	Choice   string // how reminders reach this phone's holder: "" (the branch's rule), email, phone, both
	Choices  []string
	Consents []consentRow
	History  []consentRow
}

type consentRow struct {
	Purpose string // service | reminders | marketing
	Granted bool
	When    string // formatted; "" for a default never answered
	Source  string // localized
}

// privacyPage is GET /account/privacy.
func (h *Handler) privacyPage(c *fiber.Ctx) error {
	flash := map[string]string{"consent": "privacy_saved", "channel": "privacy_saved", "deletion": "privacy_deletion_sent"}[c.Query("done")]
	return h.showPrivacy(c, fiber.StatusOK, flash, "")
}

func (h *Handler) showPrivacy(c *fiber.Ctx, status int, flashKey, errKey string) error {
	v := h.current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	loc := h.deploymentZone(ctx)
	data := privacyView{}
	if at := v.Account.DeletionRequestedAt; at != nil {
		data.DeletionRequested = templates.DateTime(v.Locale, at.In(loc))
	}
	if flashKey != "" {
		data.Flash = h.t(v.Locale, flashKey)
	}
	if errKey != "" {
		data.Error = h.t(v.Locale, errKey)
	}
	for _, p := range v.Phones {
		cs, err := h.store.Consents(ctx, p)
		if err != nil {
			return h.internal(c, "consents", err)
		}
		hs, err := h.store.ConsentHistory(ctx, p)
		if err != nil {
			return h.internal(c, "consent history", err)
		}
		choice, err := h.store.ChannelChoice(ctx, p)
		if err != nil {
			return h.internal(c, "channel choice", err)
		}
		pc := phoneConsents{E164: p, Choice: choice, Choices: append([]string{""}, store.ChannelChoices...)}
		for _, k := range cs {
			pc.Consents = append(pc.Consents, h.consentRow(v.Locale, loc, k.Purpose, k.Granted, k.ChangedAt, k.Source))
		}
		for _, k := range hs {
			pc.History = append(pc.History, h.consentRow(v.Locale, loc, k.Purpose, k.Granted, k.ChangedAt, k.Source))
		}
		data.Phones = append(data.Phones, pc)
	}
	return h.render(c, status, "privacy.html", v.Locale, "privacy_title", data)
}

// consentRow words one answer; its time is written the way locale writes
// dates and times (as the booking pages do), on the clock of loc.
func (h *Handler) consentRow(locale string, loc *time.Location, purpose string, granted bool, at time.Time, source string) consentRow {
	r := consentRow{Purpose: purpose, Granted: granted}
	if source != "" {
		r.Source = h.t(locale, "privacy_source_"+source)
	}
	r.When = templates.DateTime(locale, at.In(loc)) // "" for a default never answered
	return r
}

// deploymentZone is the clock the privacy page writes times on: the
// visitor's own is unknown to the server, and the deployment's first
// branch (which also reads phone numbers typed without a country code)
// is where its customers live. UTC when there is no branch yet.
func (h *Handler) deploymentZone(ctx context.Context) *time.Location {
	branches, err := h.store.Branches(ctx)
	if err != nil || len(branches) == 0 {
		return time.UTC
	}
	return h.zones.Of(branches[0])
}

// setConsent is POST /account/privacy/consent: phone (one of the
// account's), purpose and granted (1 or 0).
func (h *Handler) setConsent(c *fiber.Ctx) error {
	v := h.current(c)
	phone, purpose, granted := c.FormValue("phone"), c.FormValue("purpose"), c.FormValue("granted")
	if !slices.Contains(v.Phones, phone) || !slices.Contains(store.ConsentPurposes, purpose) || (granted != "1" && granted != "0") {
		return h.showPrivacy(c, fiber.StatusUnprocessableEntity, "", "privacy_bad_input")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if _, err := h.store.SetConsent(ctx, phone, purpose, granted == "1", store.ConsentFromAccount, h.now()); err != nil {
		return h.internal(c, "set consent", err)
	}
	return c.Redirect("/account/privacy?done=consent", fiber.StatusSeeOther)
}

// setChannel is POST /account/privacy/channel: phone (one of the
// account's) and choice: "" (as the branch decides), email, phone or both.
// The reminders use it for that phone's customer (reminders.Runner).
func (h *Handler) setChannel(c *fiber.Ctx) error {
	v := h.current(c)
	phone, choice := c.FormValue("phone"), c.FormValue("choice")
	if !slices.Contains(v.Phones, phone) || (choice != "" && !slices.Contains(store.ChannelChoices, choice)) {
		return h.showPrivacy(c, fiber.StatusUnprocessableEntity, "", "privacy_bad_input")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if err := h.store.SetChannelChoice(ctx, phone, choice); err != nil {
		return h.internal(c, "set channel choice", err)
	}
	return c.Redirect("/account/privacy?done=channel", fiber.StatusSeeOther)
}

// exportData is GET /account/privacy/export: everything tied to the
// account's verified phones, as a JSON file.
func (h *Handler) exportData(c *fiber.Ctx) error {
	v := h.current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	data, err := h.store.PersonalDataOf(ctx, v.Account.ID)
	if err != nil {
		return h.internal(c, "export personal data", err)
	}
	body, err := json.MarshalIndent(struct {
		ExportedAt time.Time `json:"exported_at"`
		store.PersonalData
	}{h.now().UTC(), data}, "", "  ")
	if err != nil {
		return h.internal(c, "encode personal data", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="my-data.json"`)
	return c.Send(body)
}

// requestDeletion is POST /account/privacy/delete: the request is noted
// on the account and staff get a task; asking twice is the same as once.
func (h *Handler) requestDeletion(c *fiber.Ctx) error {
	v := h.current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	words := func(locale string) (string, string) {
		if _, ok := h.texts[locale]; !ok {
			locale = "en"
		}
		phones := ""
		for i, p := range v.Phones {
			if i > 0 {
				phones += ", "
			}
			phones += p
		}
		return h.t(locale, "privacy_task_title"), h.t(locale, "privacy_task_body") + " " + phones
	}
	if _, err := h.store.RequestAccountDeletion(ctx, v.Account.ID, words, h.now()); err != nil {
		return h.internal(c, "request deletion", err)
	}
	return c.Redirect("/account/privacy?done=deletion", fiber.StatusSeeOther)
}
