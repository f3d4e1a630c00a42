package adminpage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// settingsTexts are the words of the page's reminder settings form, in the
// staff member's language.
var settingsTexts = map[string]map[string]string{
	"ru": {
		"title":     "Напоминания",
		"heading":   "Настройки напоминаний",
		"offer":     "Предложить отклонённые работы снова через, дней",
		"hint":      "Красные и жёлтые пункты осмотра, от которых клиент отказался, предлагаются один раз через столько дней (1–730).",
		"save":      "Сохранить",
		"saved":     "Настройки напоминаний сохранены.",
		"bad":       "Число дней — целое от 1 до 730.",
		"no_branch": "Такого филиала нет. Выберите филиал из списка.",
	},
	"pl": {
		"title":     "Przypomnienia",
		"heading":   "Ustawienia przypomnień",
		"offer":     "Zaproponuj odrzucone prace ponownie po, dni",
		"hint":      "Czerwone i żółte pozycje przeglądu odrzucone przez klienta są proponowane raz, po tylu dniach (1–730).",
		"save":      "Zapisz",
		"saved":     "Ustawienia przypomnień zapisane.",
		"bad":       "Liczba dni to liczba całkowita od 1 do 730.",
		"no_branch": "Nie ma takiego oddziału. Wybierz oddział z listy.",
	},
	"en": {
		"title":     "Reminders",
		"heading":   "Reminder settings",
		"offer":     "Offer declined work again after, days",
		"hint":      "Red and yellow inspection items the customer declined are offered once, this many days later (1–730).",
		"save":      "Save",
		"saved":     "The reminder settings were saved.",
		"bad":       "The number of days is a whole number from 1 to 730.",
		"no_branch": "There is no such branch. Choose a branch from the list.",
	},
}

// settingsWords are the form's words for the request's language.
func settingsWords(c *fiber.Ctx) map[string]string {
	return settingsTexts[staffpage.Locale(c, settingsTexts)]
}

// settingsSave is POST /admin/reminders/settings: branch code and
// declined-offer-days; saved with its audit row in one transaction.
func (h *Handler) settingsSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	code := c.FormValue("branch")
	v, err := h.remindersView(ctx, code)
	if err != nil {
		return h.Internal(c, "reminders page", err)
	}
	if v.Branch.ID == 0 || v.Branch.Code != code {
		return h.refuse(c, v, settingsWords(c)["no_branch"])
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("declined-offer-days")))
	if err != nil || days < store.MinDeclinedOfferDays || days > store.MaxDeclinedOfferDays {
		return h.refuse(c, v, settingsWords(c)["bad"])
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		set, err := tx.BranchReminderSettings(ctx, v.Branch.ID)
		if err != nil {
			return err
		}
		if set.DeclinedOfferDays == days {
			return nil
		}
		set.DeclinedOfferDays = days
		if err := tx.SetBranchReminderSettings(ctx, v.Branch.ID, set); err != nil {
			return err
		}
		return staffpage.Audit(ctx, c, tx, store.AuditAdminChanged, "branch "+v.Branch.Code,
			fmt.Sprintf("reminder_settings declined_offer_days=%d", days))
	})
	if err != nil {
		return h.Internal(c, "save reminder settings", err)
	}
	return c.Redirect("/admin/reminders?branch="+v.Branch.Code+"&done=settings", fiber.StatusSeeOther)
}
