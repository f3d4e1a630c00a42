package admin

// assignTexts are the words of the assignment settings page
// (/admin/assign) in ru, pl and en.
var assignTexts = map[string]map[string]string{
	"ru": {
		"title": "Распределение диалогов", "branches": "Филиалы", "mode": "Распределение", "save": "Сохранить",
		"m_round_robin": "по очереди", "m_least_loaded": "наименее загруженному",
		"users": "Сотрудники", "login": "Логин", "external_id": "Код мастера в учётной системе", "capacity": "Лимит диалогов (0 — без лимита)",
		"observer": "Наблюдает за всеми новыми диалогами", "saved": "Сохранено.",
		"err_mode": "Неизвестный способ распределения; ничего не изменено.", "err_capacity": "Лимит — целое число от 0 до 999; ничего не изменено.",
		"err_external_id": "Код мастера — не длиннее 64 символов, без управляющих символов; ничего не изменено.",
	},
	"pl": {
		"title": "Przydział rozmów", "branches": "Oddziały", "mode": "Przydział", "save": "Zapisz",
		"m_round_robin": "po kolei", "m_least_loaded": "najmniej obciążonemu",
		"users": "Pracownicy", "login": "Login", "external_id": "Kod doradcy w systemie DMS", "capacity": "Limit rozmów (0 — bez limitu)",
		"observer": "Obserwuje wszystkie nowe rozmowy", "saved": "Zapisano.",
		"err_mode": "Nieznany sposób przydziału; nic nie zmieniono.", "err_capacity": "Limit to liczba całkowita od 0 do 999; nic nie zmieniono.",
		"err_external_id": "Kod doradcy: najwyżej 64 znaki, bez znaków sterujących; nic nie zmieniono.",
	},
	"en": {
		"title": "Thread assignment", "branches": "Branches", "mode": "Assignment", "save": "Save",
		"m_round_robin": "round robin", "m_least_loaded": "least loaded",
		"users": "Staff", "login": "Login", "external_id": "Advisor id in the DMS", "capacity": "Thread limit (0 = no limit)",
		"observer": "Follows every new thread", "saved": "Saved.",
		"err_mode": "Unknown assignment mode; nothing was changed.", "err_capacity": "The limit is a whole number from 0 to 999; nothing was changed.",
		"err_external_id": "The advisor id is at most 64 characters, without control characters; nothing was changed.",
	},
}
