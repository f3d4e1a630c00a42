package admin

// slaTexts are the words of a branch's SLA targets page.
var slaTexts = map[string]map[string]string{
	"ru": {
		"title": "Цели SLA", "link": "SLA",
		"hint":  "Сроки в минутах рабочего времени филиала (по его часам работы); 0 — без цели. Новые сроки действуют для ожиданий, начатых после сохранения.",
		"first": "Первый ответ", "next": "Следующий ответ", "resolution": "Решение", "save": "Сохранить",
		"saved": "Цели SLA сохранены.", "err_minutes": "Минуты — целое число от 0 до %s.",
	},
	"pl": {
		"title": "Cele SLA", "link": "SLA",
		"hint":  "Terminy w minutach godzin pracy oddziału; 0 — bez celu. Nowe terminy dotyczą oczekiwań rozpoczętych po zapisaniu.",
		"first": "Pierwsza odpowiedź", "next": "Kolejna odpowiedź", "resolution": "Rozwiązanie", "save": "Zapisz",
		"saved": "Cele SLA zapisane.", "err_minutes": "Minuty to liczba całkowita od 0 do %s.",
	},
	"en": {
		"title": "SLA targets", "link": "SLA",
		"hint":  "Minutes of the branch's working hours; 0 means no target. New targets apply to waits started after saving.",
		"first": "First response", "next": "Next response", "resolution": "Resolution", "save": "Save",
		"saved": "The SLA targets were saved.", "err_minutes": "Minutes must be a whole number from 0 to %s.",
	},
}
