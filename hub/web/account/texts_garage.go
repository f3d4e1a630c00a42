package account

// garageTexts are the words of the garage, a car's history and a work
// order's page.
func garageTexts() map[string]map[string]string {
	return map[string]map[string]string{
		"ru": {
			"g_garage_title": "Мои автомобили", "g_car_title": "История автомобиля", "g_order_title": "Заказ-наряд",
			"g_garage_empty":  "Пока здесь нет автомобилей. Они появятся после визита в сервис, где указан ваш номер телефона.",
			"g_garage_phones": "Автомобили, связанные с номерами:",
			"g_plate":         "Госномер", "g_vin": "VIN", "g_last_visit": "Последний визит", "g_next_service": "Следующее ТО",
			"g_declined_open": "Отложенные работы", "g_book": "Записаться", "g_history": "История", "g_no_visits": "Визитов пока нет.",
			"g_visits": "Визиты", "g_branch": "Сервис", "g_order_no": "Заказ-наряд №", "g_status": "Статус", "g_opened": "Открыт", "g_closed": "Выдан",
			"g_mileage": "Пробег", "g_works": "Работы и запчасти", "g_work": "Наименование", "g_qty": "Кол-во", "g_sum": "Сумма", "g_total": "Итого",
			"g_decision": "Решение", "g_d_approved": "Согласовано", "g_d_declined": "Отказ", "g_d_pending": "Ждёт решения",
			"g_findings": "Результаты осмотра", "g_documents": "Документы", "g_download": "Скачать", "g_expiring": "Сроки",
			"g_expires": "до", "g_declined_title": "Отложенные работы", "g_declined_on": "отложено", "g_open_order": "Подробнее о заказе",
			"g_back_garage": "Ко всем автомобилям", "g_back_car": "К истории автомобиля", "g_not_found": "Не найдено",
			"g_not_found_text": "Такой страницы нет в вашем кабинете.",
			"g_status_":        "—", "g_status_received": "Принят", "g_status_in_progress": "В работе", "g_status_waiting_parts": "Ждём запчасти",
			"g_status_waiting_approval": "Ждёт вашего решения", "g_status_ready": "Готов", "g_status_delivered": "Выдан", "g_status_cancelled": "Отменён",
		},
		"pl": {
			"g_garage_title": "Moje samochody", "g_car_title": "Historia samochodu", "g_order_title": "Zlecenie",
			"g_garage_empty":  "Nie ma tu jeszcze samochodów. Pojawią się po wizycie w serwisie, w którym podano Twój numer telefonu.",
			"g_garage_phones": "Samochody powiązane z numerami:",
			"g_plate":         "Nr rejestracyjny", "g_vin": "VIN", "g_last_visit": "Ostatnia wizyta", "g_next_service": "Następny przegląd",
			"g_declined_open": "Odłożone prace", "g_book": "Umów wizytę", "g_history": "Historia", "g_no_visits": "Nie było jeszcze wizyt.",
			"g_visits": "Wizyty", "g_branch": "Serwis", "g_order_no": "Zlecenie nr", "g_status": "Status", "g_opened": "Otwarte", "g_closed": "Odebrane",
			"g_mileage": "Przebieg", "g_works": "Prace i części", "g_work": "Nazwa", "g_qty": "Ilość", "g_sum": "Kwota", "g_total": "Razem",
			"g_decision": "Decyzja", "g_d_approved": "Zaakceptowano", "g_d_declined": "Odrzucono", "g_d_pending": "Czeka na decyzję",
			"g_findings": "Wyniki przeglądu", "g_documents": "Dokumenty", "g_download": "Pobierz", "g_expiring": "Terminy",
			"g_expires": "do", "g_declined_title": "Odłożone prace", "g_declined_on": "odłożono", "g_open_order": "Szczegóły zlecenia",
			"g_back_garage": "Wszystkie samochody", "g_back_car": "Historia samochodu", "g_not_found": "Nie znaleziono",
			"g_not_found_text": "Takiej strony nie ma na Twoim koncie.",
			"g_status_":        "—", "g_status_received": "Przyjęte", "g_status_in_progress": "W realizacji", "g_status_waiting_parts": "Czekamy na części",
			"g_status_waiting_approval": "Czeka na Twoją decyzję", "g_status_ready": "Gotowe do odbioru", "g_status_delivered": "Odebrane", "g_status_cancelled": "Anulowane",
		},
		"en": {
			"g_garage_title": "My cars", "g_car_title": "Car history", "g_order_title": "Work order",
			"g_garage_empty":  "No cars here yet. They appear after a visit to a service centre that has your phone number.",
			"g_garage_phones": "Cars tied to the numbers:",
			"g_plate":         "Plate", "g_vin": "VIN", "g_last_visit": "Last visit", "g_next_service": "Next service",
			"g_declined_open": "Postponed work", "g_book": "Book a visit", "g_history": "History", "g_no_visits": "No visits yet.",
			"g_visits": "Visits", "g_branch": "Service centre", "g_order_no": "Work order no.", "g_status": "Status", "g_opened": "Opened", "g_closed": "Handed over",
			"g_mileage": "Mileage", "g_works": "Work and parts", "g_work": "Item", "g_qty": "Qty", "g_sum": "Amount", "g_total": "Total",
			"g_decision": "Decision", "g_d_approved": "Approved", "g_d_declined": "Declined", "g_d_pending": "Awaiting your decision",
			"g_findings": "Inspection results", "g_documents": "Documents", "g_download": "Download", "g_expiring": "Expiry dates",
			"g_expires": "until", "g_declined_title": "Postponed work", "g_declined_on": "postponed", "g_open_order": "Work order details",
			"g_back_garage": "All my cars", "g_back_car": "Back to the car's history", "g_not_found": "Not found",
			"g_not_found_text": "There is no such page in your account.",
			"g_status_":        "—", "g_status_received": "Received", "g_status_in_progress": "In progress", "g_status_waiting_parts": "Waiting for parts",
			"g_status_waiting_approval": "Awaiting your decision", "g_status_ready": "Ready", "g_status_delivered": "Handed over", "g_status_cancelled": "Cancelled",
		},
	}
}
