package unsubscribe

// texts are the page's words in the customer's language. "what_<purpose>"
// names what they stop receiving.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Отписка", "ask": "Больше не присылать вам %s?", "button": "Отписаться",
		"every": "Это действует для всех ваших номеров и каналов: e-mail, SMS и WhatsApp. Передумать можно в личном кабинете, на странице «Согласия и данные».",
		"done":  "Готово: мы больше не будем присылать вам %s.", "done_note": "Передумать можно в личном кабинете, на странице «Согласия и данные».",
		"what_reminders": "напоминания (ТО, шины, истекающие страховки и подписки)", "what_service": "сообщения о ремонте", "what_marketing": "предложения и акции",
		"bad_request": "Нажмите кнопку «Отписаться» на странице отписки.",
	},
	"pl": {
		"title": "Wypisanie", "ask": "Czy nie wysyłać Ci więcej: %s?", "button": "Wypisz się",
		"every": "Dotyczy to wszystkich Twoich numerów i kanałów: e-maila, SMS i WhatsApp. Zmienić zdanie możesz na swoim koncie, na stronie „Zgody i dane”.",
		"done":  "Gotowe: nie będziemy już wysyłać Ci: %s.", "done_note": "Zmienić zdanie możesz na swoim koncie, na stronie „Zgody i dane”.",
		"what_reminders": "przypomnień (przegląd, opony, wygasające ubezpieczenia i abonamenty)", "what_service": "wiadomości o naprawie", "what_marketing": "ofert i promocji",
		"bad_request": "Naciśnij przycisk „Wypisz się” na stronie wypisania.",
	},
	"en": {
		"title": "Unsubscribe", "ask": "Stop sending you %s?", "button": "Unsubscribe",
		"every": "This applies to all your numbers and channels: e-mail, SMS and WhatsApp. You can change your mind in your account, on the Consent and data page.",
		"done":  "Done: we will no longer send you %s.", "done_note": "You can change your mind in your account, on the Consent and data page.",
		"what_reminders": "reminders (service, tyres, expiring insurance and subscriptions)", "what_service": "messages about your repairs", "what_marketing": "offers and promotions",
		"bad_request": "Press the Unsubscribe button on the unsubscribe page.",
	},
}
