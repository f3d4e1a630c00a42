package inbox

// inspTexts are the words of the thread page's inspection card in ru, pl
// and en, kept apart from the page's other words.
var inspTexts = map[string]map[string]string{
	"ru": {
		"inspection": "Осмотр", "mechanic": "Механик", "not_started": "Механик ещё не начинал осмотр.",
		"hidden": "скрыт от клиента и 1С", "hide": "Скрыть", "show": "Показать",
		"note": "Комментарий", "save": "Сохранить", "edit_note": "Изменить комментарий",
		"send": "Отправить в 1С", "not_sent": "В 1С ещё не отправлен.",
		"sent": "Отправлен в 1С %s, отправил(а) %s.", "edited": "Изменён после отправки: отправьте снова.",
		"opened": "Клиент открыл отчёт %s.", "not_opened": "Клиент ещё не открывал отчёт.",
		"sent_now": "Осмотр отправлен в 1С.", "unchanged": "Уже отправлен, с тех пор ничего не изменилось.",
		"photo": "Фото", "pdf": "Отчёт PDF", "declined": "Ранее отказался", "declined_on": "заказ-наряд %s, %s",
		"err_note":      "Комментарий не сохранён: в нём недопустимые символы.",
		"err_note_long": "Комментарий не сохранён: не больше 2000 символов.",
		"err_form":      "Форма заполнена неверно; ничего не изменено.",
	},
	"pl": {
		"inspection": "Przegląd", "mechanic": "Mechanik", "not_started": "Mechanik nie rozpoczął jeszcze przeglądu.",
		"hidden": "ukryte przed klientem i DMS", "hide": "Ukryj", "show": "Pokaż",
		"note": "Komentarz", "save": "Zapisz", "edit_note": "Zmień komentarz",
		"send": "Wyślij do DMS", "not_sent": "Jeszcze nie wysłano do DMS.",
		"sent": "Wysłano do DMS %s, wysłał(a) %s.", "edited": "Zmieniono po wysłaniu: wyślij ponownie.",
		"opened": "Klient otworzył raport %s.", "not_opened": "Klient jeszcze nie otworzył raportu.",
		"sent_now": "Przegląd wysłano do DMS.", "unchanged": "Już wysłano i od tego czasu nic się nie zmieniło.",
		"photo": "Zdjęcie", "pdf": "Raport PDF", "declined": "Wcześniej odrzucone", "declined_on": "zlecenie %s, %s",
		"err_note":      "Komentarz nie został zapisany: zawiera niedozwolone znaki.",
		"err_note_long": "Komentarz nie został zapisany: najwyżej 2000 znaków.",
		"err_form":      "Formularz jest wypełniony błędnie; nic nie zmieniono.",
	},
	"en": {
		"inspection": "Inspection", "mechanic": "Mechanic", "not_started": "The mechanic has not started the inspection yet.",
		"hidden": "hidden from the customer and the DMS", "hide": "Hide", "show": "Show",
		"note": "Note", "save": "Save", "edit_note": "Edit the note",
		"send": "Send to 1C", "not_sent": "Not sent to 1C yet.",
		"sent": "Sent to 1C on %s by %s.", "edited": "Edited since it was sent: send it again.",
		"opened": "The customer opened the report on %s.", "not_opened": "The customer has not opened the report yet.",
		"sent_now": "The inspection was sent to 1C.", "unchanged": "Already sent; nothing has changed since.",
		"photo": "Photo", "pdf": "Report PDF", "declined": "Declined before", "declined_on": "work order %s, %s",
		"err_note":      "The note was not saved: it holds characters that are not allowed.",
		"err_note_long": "The note was not saved: at most 2000 characters.",
		"err_form":      "The form was not filled in correctly; nothing was changed.",
	},
}
