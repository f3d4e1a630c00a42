package staff

import "strings"

// texts are the staff pages' words. The login page picks its language
// from the browser; staff pages may later use a per-user setting.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Вход для сотрудников", "login": "Логин", "password": "Пароль", "submit": "Войти",
		"failed": "Неверный логин или пароль. После нескольких неудачных попыток вход приостанавливается на 15 минут.",
		"inbox":  "Входящие", "signed_in_as": "Вы вошли как", "branches": "филиалы", "logout": "Выйти",
		"placeholder": "Общий ящик сообщений появится здесь.",
		"admin":       "администратор", "advisor": "мастер-приёмщик", "mechanic": "механик",
	},
	"en": {
		"title": "Staff sign-in", "login": "Login", "password": "Password", "submit": "Sign in",
		"failed": "Wrong login or password. After several failed attempts, sign-in is paused for 15 minutes.",
		"inbox":  "Inbox", "signed_in_as": "Signed in as", "branches": "branches", "logout": "Sign out",
		"placeholder": "The shared inbox will appear here.",
		"admin":       "admin", "advisor": "advisor", "mechanic": "mechanic",
	},
}

// pickLocale takes the first language of Accept-Language that the pages
// speak, else English.
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
