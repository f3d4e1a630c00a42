package profile

// texts are the profile page's words. Each language is named in its own
// words in every language, so anyone finds theirs.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Профиль", "login": "Логин", "name": "Имя, которое видят коллеги и клиенты",
		"locale": "Язык страниц", "locale_": "Как в браузере (иначе язык филиала)",
		"locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"save": "Сохранить", "saved": "Профиль сохранён.",
		"bad_locale": "Такого языка нет: выберите из списка.", "bad_name": "Имя слишком длинное: не больше 100 символов.",
	},
	"pl": {
		"title": "Profil", "login": "Login", "name": "Imię widoczne dla współpracowników i klientów",
		"locale": "Język stron", "locale_": "Jak w przeglądarce (w przeciwnym razie język oddziału)",
		"locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"save": "Zapisz", "saved": "Profil zapisany.",
		"bad_locale": "Nie ma takiego języka: wybierz z listy.", "bad_name": "Imię jest za długie: najwyżej 100 znaków.",
	},
	"en": {
		"title": "Profile", "login": "Login", "name": "Name colleagues and customers see",
		"locale": "Language of the pages", "locale_": "As the browser's (else the branch's)",
		"locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"save": "Save", "saved": "The profile was saved.",
		"bad_locale": "No such language: choose one from the list.", "bad_name": "The name is too long: at most 100 characters.",
	},
}
