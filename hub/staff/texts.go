package staff

import (
	"cmp"
	"naryad/render"
)

// texts are the sign-in page's words; it picks its language from the
// browser. The pages behind sign-in have their own (hub/web/staffpage has
// the layout's).
var texts = map[string]map[string]string{
	"ru": {
		"title": "Вход для сотрудников", "login": "Логин", "password": "Пароль", "submit": "Войти",
		"failed":         "Неверный логин или пароль. После нескольких неудачных попыток вход приостанавливается на 15 минут.",
		"busy":           "Сейчас входят слишком многие. Попробуйте ещё раз через несколько секунд.",
		"unknown_branch": "Вы не работаете в этом филиале: выберите один из списка.",
	},
	"pl": {
		"title": "Logowanie dla pracowników", "login": "Login", "password": "Hasło", "submit": "Zaloguj się",
		"failed":         "Nieprawidłowy login lub hasło. Po kilku nieudanych próbach logowanie zostaje wstrzymane na 15 minut.",
		"busy":           "W tej chwili loguje się zbyt wiele osób. Spróbuj ponownie za kilka sekund.",
		"unknown_branch": "Nie pracujesz w tym oddziale: wybierz jeden z listy.",
	},
	"en": {
		"title": "Staff sign-in", "login": "Login", "password": "Password", "submit": "Sign in",
		"failed":         "Wrong login or password. After several failed attempts, sign-in is paused for 15 minutes.",
		"busy":           "Too many people are signing in right now. Try again in a few seconds.",
		"unknown_branch": "You do not work at that branch: choose one from the list.",
	},
}

// pickLocale takes the first language of Accept-Language that the pages
// speak, else English.
func pickLocale(acceptLanguage string) string {
	return cmp.Or(render.AcceptLanguage(acceptLanguage, func(l string) bool { return texts[l] != nil }), "en")
}
