package staffpage

// texts are the layout's words in the languages staff pages speak.
var texts = map[string]map[string]string{
	"ru": {
		"product": "naryad", "branch": "Филиал", "all_branches": "Все филиалы", "switch": "Показать", "profile": "Профиль",
		"admin_overview": "Обзор", "admin_users": "Пользователи", "admin_branches": "Филиалы", "admin_statuses": "Статусы DMS",
		"admin_templates": "Шаблоны", "admin_tokens": "Токены DMS", "admin_reminders": "Напоминания", "admin_whatsapp": "WhatsApp", "admin_email": "Почта",
		"admin_nav": "Разделы администрирования", "main_nav": "Разделы",
		"branches": "филиалы", "logout": "Выйти",
		"inbox": "Входящие", "team": "Команда", "sla": "Просрочки SLA", "admin_assign": "Распределение", "mechanic": "Механик", "reports": "Отчёты", "lockers": "Ключницы", "admin": "Администрирование",
		"role_admin": "администратор", "role_advisor": "мастер-приёмщик", "role_mechanic": "механик",
	},
	"pl": {
		"product": "naryad", "branch": "Oddział", "all_branches": "Wszystkie oddziały", "switch": "Pokaż", "profile": "Profil",
		"admin_overview": "Przegląd", "admin_users": "Użytkownicy", "admin_branches": "Oddziały", "admin_statuses": "Statusy DMS",
		"admin_templates": "Szablony", "admin_tokens": "Tokeny DMS", "admin_reminders": "Przypomnienia", "admin_whatsapp": "WhatsApp", "admin_email": "E-mail",
		"admin_nav": "Sekcje administracji", "main_nav": "Sekcje",
		"branches": "oddziały", "logout": "Wyloguj",
		"inbox": "Skrzynka", "team": "Zespół", "sla": "Przekroczenia SLA", "admin_assign": "Przydzielanie", "mechanic": "Mechanik", "reports": "Raporty", "lockers": "Skrytki na klucze", "admin": "Administracja",
		"role_admin": "administrator", "role_advisor": "doradca serwisowy", "role_mechanic": "mechanik",
	},
	"en": {
		"product": "naryad", "branch": "Branch", "all_branches": "All branches", "switch": "Show", "profile": "Profile",
		"admin_overview": "Admin", "admin_users": "Users", "admin_branches": "Branches", "admin_statuses": "Status mapping",
		"admin_templates": "Templates", "admin_tokens": "DMS tokens", "admin_reminders": "Reminders", "admin_whatsapp": "WhatsApp", "admin_email": "E-mail",
		"admin_nav": "Administration pages", "main_nav": "Sections",
		"branches": "branches", "logout": "Sign out",
		"inbox": "Inbox", "team": "Team", "sla": "SLA breaches", "admin_assign": "Assignment", "mechanic": "Mechanic", "reports": "Reports", "lockers": "Key lockers", "admin": "Admin",
		"role_admin": "admin", "role_advisor": "advisor", "role_mechanic": "mechanic",
	},
}
