package customer

import (
	"strings"

	"naryad/hub"
	"naryad/render"
)

// texts are the page's own words in each language; message texts sent to
// customers live in the templates package.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Ваш заказ-наряд", "order": "Заказ-наряд", "vehicle": "Автомобиль", "promised": "Плановая готовность",
		"status": "Статус", "timeline": "Ход работ", "chat": "Сообщения", "write": "Напишите сообщение…",
		"send": "Отправить", "attach": "Фото или файл", "documents": "Документы", "estimate": "Согласование работ",
		"approve": "Согласовать", "decline": "Отказаться", "approve_all": "Согласовать всё", "review": "Продолжить",
		"confirm": "Подтвердить решение", "back": "Назад", "new_total": "Новая сумма заказа", "qty": "Кол-во",
		"price": "Цена", "sum": "Сумма", "approved": "Согласовано", "declined": "Отказ", "final": "Решение сохранено и больше не меняется. Передумали — напишите нам в чате.",
		"final_review": "После подтверждения решение не изменить. Итоговую сумму подтвердит сервис.",
		"provisional":  "Сумма с учётом вашего решения. Итоговую сумму подтвердит сервис.",
		"progress":     "Этапы", "step_received": "Принят", "step_diagnosis": "Диагностика", "step_approval": "Согласование",
		"step_work": "В работе", "step_ready": "Готов", "step_delivered": "Выдан",
		"report": "Результаты осмотра", "report_pdf": "Скачать отчёт (PDF)", "why": "Почему",
		"attach_photo": "Сделать фото", "photo": "Фото", "prev": "Предыдущее фото", "next": "Следующее фото", "close": "Закрыть",
		"choose": "Выберите решение по каждой строке.", "expired": "Ссылка больше не действует", "expired_text": "Срок действия этой страницы истёк. Позвоните нам, мы поможем:",
		"call": "Позвонить", "you": "Вы", "service": "Сервис", "file_too_big": "Файл слишком большой.", "file_type": "Можно отправить фото (JPEG, PNG, HEIC) или PDF.",
		"empty": "Напишите текст или приложите файл.", "thanks": "Спасибо! Решение сохранено.", "sent_ok": "Сообщение отправлено.",
		"decided_already": "По этим работам решение уже принято.", "nothing_to_decide": "Нет работ, ожидающих решения.", "no_messages": "Сообщений пока нет.",
		"total": "Итого по заказу", "live": "Страница обновляется сама", "reload": "Обновить",
		"estimate_changed": "Смета изменилась, пока вы её смотрели. Проверьте новые суммы и подтвердите ещё раз.",
		"pay":              "Оплатить", "invoice": "Счёт", "pay_note": "Оплата на защищённой странице платёжной системы: данные карты нам не передаются.",
		"order_paid": "Заказ оплачен", "payment": "Оплата", "paid_amount": "Оплачено", "pay_amount": "Сумма", "receipt": "Чек", "to_order": "К заказу",
		"paid_title": "Оплата прошла", "paid_text": "Спасибо! Платёж получен, мы пришлём подтверждение сообщением.",
		"pending_title": "Платёж обрабатывается", "pending_text": "Банк ещё не подтвердил платёж. Мы напишем вам, когда он пройдёт; повторно платить не нужно.",
		"pay_refreshing": "Страница обновляется сама", "failed_title": "Оплата не прошла", "failed_text": "Платёж не прошёл. Попробуйте ещё раз или выберите другой способ оплаты.",
		"cancelled_title": "Оплата отменена", "cancelled_text": "Платёж отменён или время на оплату истекло. Деньги не списаны — можно оплатить заново.",
		"pay_error":   "Не удалось открыть страницу оплаты. Попробуйте ещё раз через минуту или позвоните нам.",
		"pay_gone":    "Эта сумма больше не к оплате. Проверьте заказ ниже.",
		"all_my_cars": "Все мои автомобили",
	},
	"pl": {
		"title": "Twoje zlecenie", "order": "Zlecenie", "vehicle": "Samochód", "promised": "Planowany odbiór",
		"status": "Status", "timeline": "Przebieg prac", "chat": "Wiadomości", "write": "Napisz wiadomość…",
		"send": "Wyślij", "attach": "Zdjęcie lub plik", "documents": "Dokumenty", "estimate": "Akceptacja prac",
		"approve": "Akceptuję", "decline": "Odrzucam", "approve_all": "Akceptuję wszystko", "review": "Dalej",
		"confirm": "Potwierdź decyzję", "back": "Wstecz", "new_total": "Nowa kwota zlecenia", "qty": "Ilość",
		"price": "Cena", "sum": "Kwota", "approved": "Zaakceptowano", "declined": "Odrzucono", "final": "Decyzja została zapisana i nie można jej zmienić. Jeśli zmienisz zdanie, napisz do nas na czacie.",
		"final_review": "Po potwierdzeniu decyzji nie można zmienić. Ostateczną kwotę potwierdzi serwis.",
		"provisional":  "Kwota uwzględnia Twoją decyzję. Ostateczną kwotę potwierdzi serwis.",
		"progress":     "Etapy", "step_received": "Przyjęty", "step_diagnosis": "Diagnostyka", "step_approval": "Akceptacja",
		"step_work": "W realizacji", "step_ready": "Gotowy", "step_delivered": "Odebrany",
		"report": "Wyniki przeglądu", "report_pdf": "Pobierz raport (PDF)", "why": "Dlaczego",
		"attach_photo": "Zrób zdjęcie", "photo": "Zdjęcie", "prev": "Poprzednie zdjęcie", "next": "Następne zdjęcie", "close": "Zamknij",
		"choose": "Wybierz decyzję dla każdej pozycji.", "expired": "Link wygasł", "expired_text": "Ta strona jest już nieaktywna. Zadzwoń do nas, pomożemy:",
		"call": "Zadzwoń", "you": "Ty", "service": "Serwis", "file_too_big": "Plik jest za duży.", "file_type": "Możesz wysłać zdjęcie (JPEG, PNG, HEIC) lub PDF.",
		"empty": "Napisz tekst lub dołącz plik.", "thanks": "Dziękujemy! Decyzja zapisana.", "sent_ok": "Wiadomość wysłana.",
		"decided_already": "Decyzja w sprawie tych prac została już podjęta.", "nothing_to_decide": "Brak prac do akceptacji.", "no_messages": "Brak wiadomości.",
		"total": "Razem", "live": "Strona odświeża się sama", "reload": "Odśwież",
		"estimate_changed": "Kosztorys zmienił się w trakcie przeglądania. Sprawdź nowe kwoty i potwierdź ponownie.",
		"pay":              "Zapłać", "invoice": "Faktura", "pay_note": "Płatność na bezpiecznej stronie operatora płatności: nie otrzymujemy danych Twojej karty.",
		"order_paid": "Zlecenie opłacone", "payment": "Płatność", "paid_amount": "Zapłacono", "pay_amount": "Kwota", "receipt": "Potwierdzenie", "to_order": "Wróć do zlecenia",
		"paid_title": "Płatność przyjęta", "paid_text": "Dziękujemy! Otrzymaliśmy płatność, potwierdzenie wyślemy w wiadomości.",
		"pending_title": "Płatność w trakcie", "pending_text": "Bank jeszcze nie potwierdził płatności. Napiszemy, gdy dotrze; nie trzeba płacić ponownie.",
		"pay_refreshing": "Strona odświeża się sama", "failed_title": "Płatność nieudana", "failed_text": "Płatność nie powiodła się. Spróbuj ponownie lub wybierz inną metodę płatności.",
		"cancelled_title": "Płatność anulowana", "cancelled_text": "Płatność została anulowana lub minął czas na jej dokonanie. Pieniądze nie zostały pobrane — możesz zapłacić ponownie.",
		"pay_error":   "Nie udało się otworzyć strony płatności. Spróbuj ponownie za minutę lub zadzwoń do nas.",
		"pay_gone":    "Ta kwota nie jest już do zapłaty. Sprawdź zlecenie poniżej.",
		"all_my_cars": "Wszystkie moje samochody",
	},
	"en": {
		"title": "Your work order", "order": "Work order", "vehicle": "Vehicle", "promised": "Promised for",
		"status": "Status", "timeline": "Progress", "chat": "Messages", "write": "Write a message…",
		"send": "Send", "attach": "Photo or file", "documents": "Documents", "estimate": "Approve extra work",
		"approve": "Approve", "decline": "Decline", "approve_all": "Approve all", "review": "Continue",
		"confirm": "Confirm decision", "back": "Back", "new_total": "New order total", "qty": "Qty",
		"price": "Price", "sum": "Total", "approved": "Approved", "declined": "Declined", "final": "Your decision is saved and final. Changed your mind? Write to us in the chat.",
		"final_review": "Once confirmed, the decision is final. The service will confirm the final sum.",
		"provisional":  "This total includes your decision. The service will confirm the final sum.",
		"progress":     "Progress", "step_received": "Received", "step_diagnosis": "Diagnosis", "step_approval": "Approval",
		"step_work": "In work", "step_ready": "Ready", "step_delivered": "Handed over",
		"report": "Inspection results", "report_pdf": "Download the report (PDF)", "why": "Why",
		"attach_photo": "Take a photo", "photo": "Photo", "prev": "Previous photo", "next": "Next photo", "close": "Close",
		"choose": "Choose approve or decline for every line.", "expired": "This link has expired", "expired_text": "This page is no longer active. Call us and we will help:",
		"call": "Call", "you": "You", "service": "Service", "file_too_big": "The file is too large.", "file_type": "You can send a photo (JPEG, PNG, HEIC) or a PDF.",
		"empty": "Write a message or attach a file.", "thanks": "Thank you! Your decision is saved.", "sent_ok": "Message sent.",
		"decided_already": "A decision on this work was already made.", "nothing_to_decide": "No work is waiting for your decision.", "no_messages": "No messages yet.",
		"total": "Order total", "live": "This page updates itself", "reload": "Reload",
		"estimate_changed": "The estimate changed while you were reviewing it. Please check the new figures and confirm again.",
		"pay":              "Pay", "invoice": "Invoice", "pay_note": "You pay on the payment provider's secure page: your card details never reach us.",
		"order_paid": "This order is paid", "payment": "Payment", "paid_amount": "Paid", "pay_amount": "Amount", "receipt": "Receipt", "to_order": "Back to the order",
		"paid_title": "Payment received", "paid_text": "Thank you! We have received your payment and will confirm it in a message.",
		"pending_title": "Payment in progress", "pending_text": "Your bank has not confirmed the payment yet. We will write to you when it goes through; there is no need to pay again.",
		"pay_refreshing": "This page updates itself", "failed_title": "Payment failed", "failed_text": "The payment did not go through. Please try again or choose another payment method.",
		"cancelled_title": "Payment cancelled", "cancelled_text": "The payment was cancelled or its time ran out. No money was taken; you can pay again.",
		"pay_error":   "We could not open the payment page. Please try again in a minute or call us.",
		"pay_gone":    "This amount is no longer due. Please check your order below.",
		"all_my_cars": "All my cars",
	},
}

// statusNames are the customer-facing names of canonical statuses.
var statusNames = map[string]map[string]string{
	"ru": {hub.StatusReceived: "Принят", hub.StatusInProgress: "В работе", hub.StatusWaitingParts: "Ждём запчасти",
		hub.StatusWaitingApproval: "Ждём вашего решения", hub.StatusReady: "Готов", hub.StatusDelivered: "Выдан", hub.StatusCancelled: "Отменён"},
	"pl": {hub.StatusReceived: "Przyjęty", hub.StatusInProgress: "W realizacji", hub.StatusWaitingParts: "Czekamy na części",
		hub.StatusWaitingApproval: "Czekamy na Twoją decyzję", hub.StatusReady: "Gotowy do odbioru", hub.StatusDelivered: "Odebrany", hub.StatusCancelled: "Anulowany"},
	"en": {hub.StatusReceived: "Received", hub.StatusInProgress: "In progress", hub.StatusWaitingParts: "Waiting for parts",
		hub.StatusWaitingApproval: "Waiting for your decision", hub.StatusReady: "Ready", hub.StatusDelivered: "Handed over", hub.StatusCancelled: "Cancelled"},
}

// pickLocale uses the customer's language when the DMS knows it, else the
// browser's Accept-Language, else the branch's.
func pickLocale(customerLocale, acceptLanguage, branchLocale string) string {
	if l := strings.ToLower(customerLocale); texts[l] != nil {
		return l
	}
	if l := render.AcceptLanguage(acceptLanguage, func(l string) bool { return texts[l] != nil }); l != "" {
		return l
	}
	if texts[branchLocale] != nil {
		return branchLocale
	}
	return "en"
}
