package inbox

import "strings"

// texts are the inbox's words in the languages staff pages speak.
var texts = map[string]map[string]string{
	"ru": {
		"inbox": "Входящие", "signed_in_as": "вы вошли как", "branches": "филиалы", "logout": "Выйти",
		"role_admin": "администратор", "role_advisor": "мастер-приёмщик", "role_mechanic": "механик",
		"f_": "Активные", "f_mine": "Мои", "f_unassigned": "Без ответственного", "f_waiting_us": "Ждут нас",
		"f_waiting_customer": "Ждут клиента", "f_resolved": "Решённые",
		"search": "Телефон, госномер, VIN, номер заказ-наряда или имя", "find": "Найти", "reset": "Сбросить",
		"empty": "Нет диалогов.", "more": "Дальше", "unread": "непрочитанных", "waiting": "ждёт ответа",
		"no_name": "Без имени", "min": "мин", "h": "ч", "unassigned": "не назначен", "newest": "К началу",
		"back": "Все диалоги", "conversation": "Переписка", "no_messages": "Сообщений нет.", "internal": "внутреннее",
		"d_queued": "в очереди", "d_sent": "отправлено", "d_delivered": "доставлено", "d_read": "прочитано", "d_failed": "не доставлено",
		"resend": "Отправить ещё раз", "reply": "Ответ клиенту", "send": "Отправить", "note": "Заметка для коллег (клиент не увидит)",
		"add_note": "Добавить заметку", "assignee": "Ответственный", "assign": "Назначить", "assign_me": "Мне",
		"resolve": "Решено", "reopen": "Открыть снова", "state": "Состояние", "resolved": "решён", "open": "открыт", "pending": "ждёт клиента",
		"work_order": "Заказ-наряд", "status": "Статус", "vehicle": "Автомобиль", "promised": "Обещано", "total": "Итого",
		"kind": "Вид", "name": "Наименование", "qty": "Кол-во", "price": "Цена", "sum": "Сумма", "approval": "Согласование",
		"a_pending": "ждёт решения", "a_approved": "согласовано", "a_declined": "отклонено",
		"k_labor": "работа", "k_part": "запчасть", "k_recommendation": "рекомендация",
		"s_received": "Принят", "s_in_progress": "В работе", "s_waiting_parts": "Ждём запчасти", "s_waiting_approval": "Ждём согласования",
		"s_ready": "Готов", "s_delivered": "Выдан", "s_cancelled": "Отменён",
		"err_empty": "Пустой текст не отправлен.", "err_too_long": "Текст слишком длинный.", "err_bad_user": "Такого сотрудника в филиале нет.",
		"err_no_phone": "У клиента нет номера телефона.", "err_not_failed": "Сообщение уже не в ошибке.",
		"reports": "Отчёты", "lockers": "Ключницы", "template": "Шаблон", "fill": "Подставить", "mechanic": "Механик", "m_search": "Номер заказ-наряда или госномер", "m_none": "Открытых заказ-нарядов не найдено.",
		"m_all": "Все заказ-наряды", "m_file": "Фото или видео", "m_comment": "Комментарий", "m_upload": "Загрузить",
		"m_hint": "Видно только сотрудникам; клиенту отправит мастер-приёмщик.", "m_uploaded": "Загружено. Мастер-приёмщик увидит это в диалоге.",
		"m_thread": "Диалог", "forward": "Переслать клиенту", "forward_default": "Фото из сервиса по вашему автомобилю.",
		"err_no_file": "Выберите фото или видео.", "err_file_type": "Можно фото (JPEG, PNG, HEIC) или видео (MP4, MOV); клиенту ещё и PDF.", "attach": "Фото, видео или PDF",
		"err_file_too_big": "Файл слишком большой: фото до 20 МБ, видео до 50 МБ.", "err_not_forwardable": "Переслать можно только внутреннее сообщение с файлами.",
		"merge": "Объединить", "merge_hint": "Номер заказ-наряда этого клиента: диалог перейдёт в его заказ-наряд.",
		"err_not_lead": "Объединить можно только диалог без заказ-наряда.", "err_unknown_order": "Заказ-наряда с таким номером в этом филиале нет.",
		"move": "Перенести", "move_to": "В заказ-наряд", "err_not_customer_message": "Перенести можно только сообщение клиента.",
		"err_same_order": "Сообщение уже в этом заказ-наряде.",
		"wa_logged_out":  "WhatsApp «%s» отключён от телефона: пока администратор не привяжет его снова, сообщения уходят по SMS.",
		"wa_banned":      "WhatsApp «%s» временно заблокирован до %s: сообщения уходят по SMS.",
		"wa_replaced":    "WhatsApp «%s» открыт в другой программе: пока администратор не переподключит его, сообщения уходят по SMS.",
	},
	"en": {
		"inbox": "Inbox", "signed_in_as": "signed in as", "branches": "branches", "logout": "Sign out",
		"role_admin": "admin", "role_advisor": "advisor", "role_mechanic": "mechanic",
		"f_": "Active", "f_mine": "Mine", "f_unassigned": "Unassigned", "f_waiting_us": "Waiting for us",
		"f_waiting_customer": "Waiting for customer", "f_resolved": "Resolved",
		"search": "Phone, plate, VIN, work order or name", "find": "Search", "reset": "Clear",
		"empty": "No threads.", "more": "Older", "unread": "unread", "waiting": "waiting",
		"no_name": "No name", "min": "min", "h": "h", "unassigned": "unassigned", "newest": "Newest",
		"back": "All threads", "conversation": "Conversation", "no_messages": "No messages.", "internal": "internal",
		"d_queued": "queued", "d_sent": "sent", "d_delivered": "delivered", "d_read": "read", "d_failed": "failed",
		"resend": "Resend", "reply": "Reply to the customer", "send": "Send", "note": "Note for colleagues (the customer never sees it)",
		"add_note": "Add note", "assignee": "Assignee", "assign": "Assign", "assign_me": "Me",
		"resolve": "Resolve", "reopen": "Reopen", "state": "State", "resolved": "resolved", "open": "open", "pending": "waiting for customer",
		"work_order": "Work order", "status": "Status", "vehicle": "Vehicle", "promised": "Promised", "total": "Total",
		"kind": "Kind", "name": "Item", "qty": "Qty", "price": "Price", "sum": "Total", "approval": "Approval",
		"a_pending": "awaiting decision", "a_approved": "approved", "a_declined": "declined",
		"k_labor": "labour", "k_part": "part", "k_recommendation": "recommendation",
		"s_received": "Received", "s_in_progress": "In progress", "s_waiting_parts": "Waiting for parts", "s_waiting_approval": "Waiting for approval",
		"s_ready": "Ready", "s_delivered": "Handed over", "s_cancelled": "Cancelled",
		"err_empty": "Nothing sent: the text was empty.", "err_too_long": "The text is too long.", "err_bad_user": "No such colleague at this branch.",
		"err_no_phone": "The customer has no phone number.", "err_not_failed": "The message has not failed.",
		"reports": "Reports", "lockers": "Key lockers", "template": "Template", "fill": "Fill in", "mechanic": "Mechanic", "m_search": "Work order number or plate", "m_none": "No open work orders found.",
		"m_all": "All work orders", "m_file": "Photo or video", "m_comment": "Comment", "m_upload": "Upload",
		"m_hint": "Staff only; an advisor forwards it to the customer.", "m_uploaded": "Uploaded. The advisor will see it in the thread.",
		"m_thread": "Thread", "forward": "Forward to customer", "forward_default": "A photo from the workshop about your car.",
		"err_no_file": "Choose a photo or a video.", "err_file_type": "Photos (JPEG, PNG, HEIC) or videos (MP4, MOV); to a customer also a PDF.", "attach": "Photo, video or PDF",
		"err_file_too_big": "The file is too large: photos up to 20 MB, videos up to 50 MB.", "err_not_forwardable": "Only an internal message with files can be forwarded.",
		"merge": "Merge", "merge_hint": "This customer's work order number: the conversation moves into its thread.",
		"err_not_lead": "Only a thread without a work order can be merged.", "err_unknown_order": "No work order with that number at this branch.",
		"move": "Move", "move_to": "To work order", "err_not_customer_message": "Only a customer's message can be moved.",
		"err_same_order": "The message is in that work order's thread already.",
		"wa_logged_out":  "WhatsApp «%s» was unlinked from its phone: its messages go by SMS until an admin links it again.",
		"wa_banned":      "WhatsApp «%s» is banned until %s: its messages go by SMS.",
		"wa_replaced":    "WhatsApp «%s» was opened in another program: its messages go by SMS until an admin reconnects it.",
	},
}

// pickLocale takes the first language of Accept-Language the page speaks,
// else English (as the other staff pages do).
func pickLocale(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(tag), "_", "-"), "-")
		if texts[primary] != nil {
			return primary
		}
	}
	return "en"
}
