package inbox

// slaTexts are the words of the SLA breach list and the list's SLA badge,
// in ru, pl and en.
var slaTexts = map[string]map[string]string{
	"ru": {
		"title": "Нарушения SLA", "intro": "Открытые ожидания, у которых вышел срок по рабочим часам филиала; самые давние первыми.",
		"none": "Нарушений нет.", "thread": "Диалог", "kind": "Что просрочено", "over": "Просрочено на", "due": "Срок",
		"started": "С", "assignee": "Ответственный", "branch": "Филиал", "unassigned": "не назначен", "no_name": "Без имени",
		"k_first": "первый ответ", "k_next": "следующий ответ", "k_resolution": "решение",
		"badge": "SLA", "badge_title": "Срок SLA вышел: %s", "min": "мин", "h": "ч", "back": "Все диалоги",
	},
	"pl": {
		"title": "Naruszenia SLA", "intro": "Otwarte oczekiwania po terminie liczonym w godzinach pracy oddziału; najstarsze pierwsze.",
		"none": "Brak naruszeń.", "thread": "Rozmowa", "kind": "Co po terminie", "over": "Po terminie o", "due": "Termin",
		"started": "Od", "assignee": "Odpowiedzialny", "branch": "Oddział", "unassigned": "nieprzypisana", "no_name": "Bez nazwy",
		"k_first": "pierwsza odpowiedź", "k_next": "kolejna odpowiedź", "k_resolution": "rozwiązanie",
		"badge": "SLA", "badge_title": "Termin SLA minął: %s", "min": "min", "h": "godz.", "back": "Wszystkie rozmowy",
	},
	"en": {
		"title": "SLA breaches", "intro": "Open waits past their due time in the branch's working hours; the oldest first.",
		"none": "No breaches.", "thread": "Conversation", "kind": "What is late", "over": "Late by", "due": "Due",
		"started": "Since", "assignee": "Assignee", "branch": "Branch", "unassigned": "unassigned", "no_name": "No name",
		"k_first": "first response", "k_next": "next response", "k_resolution": "resolution",
		"badge": "SLA", "badge_title": "SLA due time passed: %s", "min": "min", "h": "h", "back": "All conversations",
	},
}
