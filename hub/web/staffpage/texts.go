package staffpage

// texts are the layout's words in the languages staff pages speak.
var texts = map[string]map[string]string{
	"ru": {
		"signed_in_as": "вы вошли как", "branches": "филиалы", "logout": "Выйти",
		"inbox": "Входящие", "mechanic": "Механик", "reports": "Отчёты", "lockers": "Ключницы", "admin": "Администрирование",
		"role_admin": "администратор", "role_advisor": "мастер-приёмщик", "role_mechanic": "механик",
	},
	"pl": {
		"signed_in_as": "zalogowano jako", "branches": "oddziały", "logout": "Wyloguj",
		"inbox": "Skrzynka", "mechanic": "Mechanik", "reports": "Raporty", "lockers": "Skrytki na klucze", "admin": "Administracja",
		"role_admin": "administrator", "role_advisor": "doradca serwisowy", "role_mechanic": "mechanik",
	},
	"en": {
		"signed_in_as": "signed in as", "branches": "branches", "logout": "Sign out",
		"inbox": "Inbox", "mechanic": "Mechanic", "reports": "Reports", "lockers": "Key lockers", "admin": "Admin",
		"role_admin": "admin", "role_advisor": "advisor", "role_mechanic": "mechanic",
	},
}
