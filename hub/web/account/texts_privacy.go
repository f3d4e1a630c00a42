package account

// privacyTexts are the words of consent, the data download and deletion.
func privacyTexts() map[string]map[string]string {
	return map[string]map[string]string{
		"ru": {
			"privacy_title": "Согласия и данные", "privacy_purpose_service": "Сообщения о ремонте",
			"privacy_purpose_reminders": "Напоминания (ТО, шины, отложенные работы)", "privacy_purpose_marketing": "Предложения и акции",
			"privacy_on": "Разрешено", "privacy_off": "Запрещено", "privacy_turn_on": "Разрешить", "privacy_turn_off": "Запретить",
			"privacy_default": "по умолчанию", "privacy_history": "История изменений",
			"privacy_source_account": "в личном кабинете", "privacy_source_stop_reply": "ответ STOP/START",
			"privacy_source_dms": "из учётной системы сервиса", "privacy_source_staff": "сотрудником сервиса",
			"privacy_saved": "Сохранено.", "privacy_bad_input": "Эту настройку изменить нельзя. Обновите страницу.",
			"privacy_data": "Мои данные", "privacy_export": "Скачать мои данные (JSON)",
			"privacy_delete": "Запросить удаление данных", "privacy_delete_note": "Сотрудники сервиса получат запрос и удалят данные в установленный законом срок.",
			"privacy_deletion_sent": "Запрос на удаление данных отправлен.", "privacy_deletion_at": "Запрос на удаление отправлен",
			"privacy_task_title": "Клиент просит удалить его данные", "privacy_task_body": "Запрос из личного кабинета. Телефоны:",
		},
		"pl": {
			"privacy_title": "Zgody i dane", "privacy_purpose_service": "Wiadomości o naprawie",
			"privacy_purpose_reminders": "Przypomnienia (przegląd, opony, odłożone prace)", "privacy_purpose_marketing": "Oferty i promocje",
			"privacy_on": "Zgoda", "privacy_off": "Brak zgody", "privacy_turn_on": "Wyraź zgodę", "privacy_turn_off": "Wycofaj zgodę",
			"privacy_default": "domyślnie", "privacy_history": "Historia zmian",
			"privacy_source_account": "na koncie", "privacy_source_stop_reply": "odpowiedź STOP/START",
			"privacy_source_dms": "z systemu serwisu", "privacy_source_staff": "przez pracownika serwisu",
			"privacy_saved": "Zapisano.", "privacy_bad_input": "Tego ustawienia nie można zmienić. Odśwież stronę.",
			"privacy_data": "Moje dane", "privacy_export": "Pobierz moje dane (JSON)",
			"privacy_delete": "Poproś o usunięcie danych", "privacy_delete_note": "Pracownicy serwisu otrzymają prośbę i usuną dane w terminie wymaganym przez RODO.",
			"privacy_deletion_sent": "Prośba o usunięcie danych została wysłana.", "privacy_deletion_at": "Prośba o usunięcie wysłana",
			"privacy_task_title": "Klient prosi o usunięcie danych", "privacy_task_body": "Prośba z konta klienta. Telefony:",
		},
		"en": {
			"privacy_title": "Consent and data", "privacy_purpose_service": "Messages about your repairs",
			"privacy_purpose_reminders": "Reminders (service, tyres, declined work)", "privacy_purpose_marketing": "Offers and promotions",
			"privacy_on": "Allowed", "privacy_off": "Not allowed", "privacy_turn_on": "Allow", "privacy_turn_off": "Withdraw",
			"privacy_default": "default", "privacy_history": "History of changes",
			"privacy_source_account": "in your account", "privacy_source_stop_reply": "STOP/START reply",
			"privacy_source_dms": "from the service centre's system", "privacy_source_staff": "by service centre staff",
			"privacy_saved": "Saved.", "privacy_bad_input": "This setting cannot be changed. Please reload the page.",
			"privacy_data": "My data", "privacy_export": "Download my data (JSON)",
			"privacy_delete": "Ask to delete my data", "privacy_delete_note": "The service centre's staff get your request and delete your data within the time the law sets.",
			"privacy_deletion_sent": "Your request to delete your data has been sent.", "privacy_deletion_at": "Deletion requested",
			"privacy_task_title": "A customer asks to delete their data", "privacy_task_body": "Request from the customer's account. Phones:",
		},
	}
}
