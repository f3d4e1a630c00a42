package adminpage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// settingsTexts are the words of the reminders page (its preview, tasks
// and settings form), in the staff member's language.
var settingsTexts = map[string]map[string]string{
	"ru": {
		"ch_heading": "Каналы напоминаний", "ch_hint": "Как уходит напоминание каждого правила: по каналу его переписки (SMS или WhatsApp) и/или по e-mail. Если клиент сам выбрал канал на странице конфиденциальности, действует его выбор. Письмо уходит, только если у клиента есть рабочий адрес, а у филиала — отправитель; иначе — по SMS или WhatsApp.",
		"ch_thread": "SMS / WhatsApp", "ch_email": "E-mail", "ch_save": "Сохранить каналы", "ch_saved": "Каналы напоминаний сохранены.",
		"ch_none":       "Для правила «%s» выберите хотя бы один канал.",
		"rule.approval": "Согласование работ", "rule.keys": "Ключи в ключнице", "rule.maintenance": "ТО", "rule.tyres": "Сезонная смена шин",
		"rule.expiring": "Истекающие позиции", "rule.feedback": "Оценка визита", "rule.declined_work": "Отклонённые работы", "rule.loan_due": "Возврат подменного автомобиля",
		"branch": "Филиал", "date": "Дата", "preview": "Показать", "unplaced_h": "Напоминания, которые не могут уйти.",
		"unplaced": "Узел DMS %s: эти записи не относятся ни к одному филиалу, поэтому напоминания о них не уходят —", "n_vehicles": "автомобилей: %d", "n_items": "позиций с истекающим сроком: %d",
		"unplaced_fix": "Как исправить: отправьте события их клиента, автомобиля или expiring_item ещё раз с полем «branch» (колонка `naryad items import`) или передайте заказ-наряд клиента; затем выполните `naryad reminders refresh`. См. docs/exchange.md.",
		"scan_h":       "Что отправил бы обход в %s", "scan_hint": "С этой страницы ничего не отправляется. Прошлая или будущая дата показывается на 10:00 по времени филиала, сегодняшняя — на текущее время.",
		"rule": "Правило", "to": "Кому", "subject": "О чём", "due": "Срок", "sent": "Отправка", "message": "Сообщение",
		"staff_task": "задача сотрудникам", "held_until": "отложено до %s", "now": "сейчас", "nothing_due": "Нечего отправлять.",
		"tasks_h": "Открытые задачи сотрудникам", "raised": "Создана", "task": "Задача", "done": "Выполнено", "no_tasks": "Открытых задач нет.",
		"no_branch_yet": "Филиалов пока нет.", "task_done": "Задача отмечена выполненной.", "no_task": "Такой задачи нет.",
		"task_gone": "Эта задача уже выполнена или её нет.", "bad_date": "Дата — в виде ГГГГ-ММ-ДД.",
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
		"ch_heading": "Kanały przypomnień", "ch_hint": "Jak wychodzi przypomnienie każdej reguły: kanałem jego wątku (SMS lub WhatsApp) i/lub e-mailem. Jeśli klient sam wybrał kanał na stronie prywatności, obowiązuje jego wybór. E-mail wychodzi tylko wtedy, gdy klient ma działający adres, a oddział nadawcę; w przeciwnym razie SMS lub WhatsApp.",
		"ch_thread": "SMS / WhatsApp", "ch_email": "E-mail", "ch_save": "Zapisz kanały", "ch_saved": "Kanały przypomnień zapisane.",
		"ch_none":       "Wybierz co najmniej jeden kanał dla reguły „%s”.",
		"rule.approval": "Akceptacja prac", "rule.keys": "Klucze w depozytorze", "rule.maintenance": "Przegląd", "rule.tyres": "Sezonowa wymiana opon",
		"rule.expiring": "Wygasające pozycje", "rule.feedback": "Ocena wizyty", "rule.declined_work": "Odrzucone prace", "rule.loan_due": "Zwrot auta zastępczego",
		"branch": "Oddział", "date": "Data", "preview": "Pokaż", "unplaced_h": "Przypomnienia, które nie mogą wyjść.",
		"unplaced": "Węzeł DMS %s: te rekordy nie należą do żadnego oddziału, więc przypomnienia o nich nie wychodzą —", "n_vehicles": "pojazdy: %d", "n_items": "pozycje z terminem ważności: %d",
		"unplaced_fix": "Jak to naprawić: wyślij ponownie zdarzenia ich klienta, pojazdu lub expiring_item z polem „branch” (kolumna `naryad items import`) albo prześlij zlecenie klienta; potem uruchom `naryad reminders refresh`. Zobacz docs/exchange.md.",
		"scan_h":       "Co wysłałoby sprawdzenie o %s", "scan_hint": "Z tej strony nic nie jest wysyłane. Data przeszła lub przyszła jest pokazana na 10:00 czasu oddziału, dzisiejsza na bieżącą godzinę.",
		"rule": "Reguła", "to": "Do", "subject": "Czego dotyczy", "due": "Termin", "sent": "Wysyłka", "message": "Wiadomość",
		"staff_task": "zadanie dla pracowników", "held_until": "wstrzymane do %s", "now": "teraz", "nothing_due": "Nic do wysłania.",
		"tasks_h": "Otwarte zadania dla pracowników", "raised": "Utworzono", "task": "Zadanie", "done": "Zrobione", "no_tasks": "Brak otwartych zadań.",
		"no_branch_yet": "Nie ma jeszcze oddziałów.", "task_done": "Zadanie oznaczono jako zrobione.", "no_task": "Nie ma takiego zadania.",
		"task_gone": "To zadanie jest już zrobione albo nie istnieje.", "bad_date": "Data w postaci RRRR-MM-DD.",
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
		"ch_heading": "Reminder channels", "ch_hint": "How each rule's reminder goes: on its thread's channel (SMS or WhatsApp) and/or by e-mail. A customer's own choice on their privacy page wins. An e-mail goes only when the customer has a working address and the branch a sender; otherwise by SMS or WhatsApp.",
		"ch_thread": "SMS / WhatsApp", "ch_email": "E-mail", "ch_save": "Save channels", "ch_saved": "The reminder channels were saved.",
		"ch_none":       "Choose at least one channel for the rule \"%s\".",
		"rule.approval": "Approval of extra work", "rule.keys": "Keys in the locker", "rule.maintenance": "Maintenance", "rule.tyres": "Seasonal tyre change",
		"rule.expiring": "Expiring items", "rule.feedback": "Visit feedback", "rule.declined_work": "Declined work", "rule.loan_due": "Courtesy car due back",
		"branch": "Branch", "date": "Date", "preview": "Preview", "unplaced_h": "Reminders that cannot go out.",
		"unplaced": "DMS node %s: these belong to no branch, so no reminder about them goes out —", "n_vehicles": "vehicles: %d", "n_items": "expiring items: %d",
		"unplaced_fix": "Fix: send their customer, vehicle or expiring_item events again with \"branch\" (a column of `naryad items import`), or push a work order for the customer; then run `naryad reminders refresh`. See docs/exchange.md.",
		"scan_h":       "What a scan at %s would send", "scan_hint": "Nothing is sent from this page. A past or future date is shown at 10:00 branch time; today at the current time.",
		"rule": "Rule", "to": "To", "subject": "Subject", "due": "Due", "sent": "Sent", "message": "Message",
		"staff_task": "staff task", "held_until": "held until %s", "now": "now", "nothing_due": "Nothing due.",
		"tasks_h": "Open staff tasks", "raised": "Raised", "task": "Task", "done": "Done", "no_tasks": "No open tasks.",
		"no_branch_yet": "No branch yet.", "task_done": "The task was marked done.", "no_task": "No such task.",
		"task_gone": "This task is done already or does not exist.", "bad_date": "The date is YYYY-MM-DD.",
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
