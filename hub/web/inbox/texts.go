package inbox

import "strings"

// texts are the inbox's words in the languages staff pages speak.
var texts = map[string]map[string]string{
	"ru": {
		"inbox": "Входящие", "signed_in_as": "вы вошли как", "branches": "филиалы", "logout": "Выйти",
		"f_": "Активные", "f_mine": "Мои", "f_unassigned": "Без ответственного", "f_waiting_us": "Ждут нас",
		"f_waiting_customer": "Ждут клиента", "f_resolved": "Решённые",
		"search": "Телефон, госномер, VIN, номер заказ-наряда или имя", "find": "Найти", "reset": "Сбросить",
		"empty": "Нет диалогов.", "more": "Дальше", "unread": "непрочитанных", "waiting": "ждёт ответа",
		"no_name": "Без имени", "min": "мин", "h": "ч", "unassigned": "не назначен", "newest": "К началу",
	},
	"en": {
		"inbox": "Inbox", "signed_in_as": "signed in as", "branches": "branches", "logout": "Sign out",
		"f_": "Active", "f_mine": "Mine", "f_unassigned": "Unassigned", "f_waiting_us": "Waiting for us",
		"f_waiting_customer": "Waiting for customer", "f_resolved": "Resolved",
		"search": "Phone, plate, VIN, work order or name", "find": "Search", "reset": "Clear",
		"empty": "No threads.", "more": "Older", "unread": "unread", "waiting": "waiting",
		"no_name": "No name", "min": "min", "h": "h", "unassigned": "unassigned", "newest": "Newest",
	},
}

// pickLocale takes the first language of Accept-Language the page speaks,
// else English (as the other staff pages do).
func pickLocale(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(tag), "_", "-"), "-")
		if texts[primary] != nil {
			return primary
		}
	}
	return "en"
}
