package admin

// texts are the admin pages' words (the inspection checklist has its own,
// admin_checklist_texts.go). Keys with %q or %s are fmt formats, filled
// in the handler or with printf in the view.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Администрирование", "every_branch": "все филиалы", "branch": "Филиал", "language": "Язык", "name": "Имя",
		"done_user": "Пользователь добавлен.", "done_user_locale": "Язык пользователя сохранён.", "done_branch": "Филиал добавлен.",
		"done_status": "Соответствие статусов сохранено.", "done_template": "Шаблон сохранён.", "done_reset": "Для шаблона восстановлен текст по умолчанию.",
		"done_revoked": "Токены узла отозваны.", "done_payments": "Настройки оплаты сохранены.", "done_payments-off": "Онлайн-оплата выключена.",
		"done_wa-account": "Аккаунт WhatsApp добавлен. Привяжите к нему телефон.", "done_wa-pacing": "Темп отправки сохранён.",
		"done_wa-branch": "Настройки WhatsApp филиала сохранены.", "done_wa-logout": "Аккаунт отключён.", "done_wa-reconnect": "Аккаунт подключается снова.",

		"overview_h1": "Администрирование", "overview_users": "учётные записи сотрудников, их роли и филиалы.",
		"overview_branches": "сервисные центры.", "overview_statuses": "что означают названия статусов из DMS.",
		"overview_templates": "формулировки сообщений клиентам в конкретном филиале.", "overview_tokens": "узлы DMS, которые передают данные в хаб, и их токены.",
		"overview_reminders": "напоминания клиентам и задачи по ним.", "overview_whatsapp": "аккаунты WhatsApp филиалов и их привязка.",
		"overview_audit": "Каждое изменение здесь записывается в журнал аудита.",

		"users_h1": "Пользователи", "login": "Логин", "role": "Роль", "branches": "Филиалы", "disabled": "отключён",
		"users_add": "Добавить пользователя", "password": "Пароль", "add_user": "Добавить", "save": "Сохранить",
		"role_admin": "администратор", "role_advisor": "мастер-приёмщик", "role_mechanic": "механик",
		"locale_": "не выбран (браузер, затем филиал)", "locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"err_unknown_branch": "Неизвестный филиал %s.", "err_login_taken": "Логин %s уже занят.", "err_user": "Пользователь не добавлен: %s.",
		"err_locale": "Такого языка нет: выберите из списка.", "err_no_user": "Такого пользователя нет.",

		"branches_h1": "Филиалы", "code": "Код", "country": "Страна", "time_zone": "Часовой пояс", "phone": "Телефон",
		"working_hours": "Часы работы", "online_payments": "Онлайн-оплата", "inspection": "Осмотр", "settings": "настройки", "checklist": "чек-лист",
		"branches_add": "Добавить филиал", "code_label": "Код (как его передаёт DMS)", "name_label": "Название, которое видят клиенты",
		"country_label": "Страна (код ISO, например RU)", "time_zone_label": "Часовой пояс (например Europe/Moscow)", "add_branch": "Добавить филиал",
		"err_branch": "Филиал не добавлен: %s.", "err_branch_taken": "Филиал с кодом %q уже есть.",

		"statuses_h1": "Соответствие статусов", "statuses_hint": "Соответствие конкретного филиала важнее общего для всех филиалов.",
		"dms_status": "Статус в DMS", "canonical": "Статус naryad", "statuses_add": "Добавить или заменить соответствие",
		"dms_status_label": "Название статуса в DMS", "save_mapping": "Сохранить соответствие",
		"err_raw_required": "Укажите название статуса в DMS.", "err_canonical": "Статус %q не из списка: %s.",

		"templates_h1": "Шаблоны", "template": "Шаблон", "show": "Показать", "own_text": "У этого филиала свой текст.",
		"default_text": "Этот филиал использует текст по умолчанию.", "default_sample": "Текст по умолчанию, с примером данных",
		"branch_text": "Текст филиала (text/template)", "save_override": "Сохранить свой текст", "reset_default": "Вернуть текст по умолчанию",
		"err_choose": "Выберите филиал, шаблон и язык.", "err_unknown_template": "Неизвестный шаблон %q.",

		"tokens_h1": "Токены DMS", "token_once": "Токен узла %s. Он показан только сейчас: скопируйте его в настройки узла DMS.",
		"node": "Узел", "acked_seq": "Подтверждён номер", "acked_at": "Подтверждено", "created": "Создан", "state": "Состояние",
		"revoked": "отозван", "live": "действует", "revoke": "Отозвать", "tokens_add": "Создать токен", "node_name": "Имя узла", "create_token": "Создать токен",
		"err_node_required": "Укажите имя узла.", "err_no_node": "Нет узла %q с действующим токеном.",
	},
	"pl": {
		"title": "Administracja", "every_branch": "wszystkie oddziały", "branch": "Oddział", "language": "Język", "name": "Imię",
		"done_user": "Użytkownik dodany.", "done_user_locale": "Język użytkownika zapisany.", "done_branch": "Oddział dodany.",
		"done_status": "Mapowanie statusów zapisane.", "done_template": "Szablon zapisany.", "done_reset": "Przywrócono domyślny tekst szablonu.",
		"done_revoked": "Tokeny węzła unieważnione.", "done_payments": "Ustawienia płatności zapisane.", "done_payments-off": "Płatności online wyłączone.",
		"done_wa-account": "Konto WhatsApp dodane. Połącz z nim telefon.", "done_wa-pacing": "Tempo wysyłki zapisane.",
		"done_wa-branch": "Ustawienia WhatsApp oddziału zapisane.", "done_wa-logout": "Konto wylogowane.", "done_wa-reconnect": "Konto łączy się ponownie.",

		"overview_h1": "Administracja", "overview_users": "konta pracowników, ich role i oddziały.",
		"overview_branches": "serwisy.", "overview_statuses": "co znaczą nazwy statusów z DMS.",
		"overview_templates": "własne sformułowania wiadomości do klientów w oddziale.", "overview_tokens": "węzły DMS przesyłające dane do huba i ich tokeny.",
		"overview_reminders": "przypomnienia dla klientów i zadania z nimi związane.", "overview_whatsapp": "konta WhatsApp oddziałów i ich łączenie.",
		"overview_audit": "Każda zmiana wprowadzona tutaj trafia do dziennika audytu.",

		"users_h1": "Użytkownicy", "login": "Login", "role": "Rola", "branches": "Oddziały", "disabled": "wyłączony",
		"users_add": "Dodaj użytkownika", "password": "Hasło", "add_user": "Dodaj", "save": "Zapisz",
		"role_admin": "administrator", "role_advisor": "doradca serwisowy", "role_mechanic": "mechanik",
		"locale_": "nie wybrano (przeglądarka, potem oddział)", "locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"err_unknown_branch": "Nieznany oddział %s.", "err_login_taken": "Login %s jest już zajęty.", "err_user": "Nie dodano użytkownika: %s.",
		"err_locale": "Nie ma takiego języka: wybierz z listy.", "err_no_user": "Nie ma takiego użytkownika.",

		"branches_h1": "Oddziały", "code": "Kod", "country": "Kraj", "time_zone": "Strefa czasowa", "phone": "Telefon",
		"working_hours": "Godziny pracy", "online_payments": "Płatności online", "inspection": "Przegląd", "settings": "ustawienia", "checklist": "lista kontrolna",
		"branches_add": "Dodaj oddział", "code_label": "Kod (tak jak wysyła go DMS)", "name_label": "Nazwa widoczna dla klientów",
		"country_label": "Kraj (kod ISO, np. PL)", "time_zone_label": "Strefa czasowa (np. Europe/Warsaw)", "add_branch": "Dodaj oddział",
		"err_branch": "Nie dodano oddziału: %s.", "err_branch_taken": "Oddział z kodem %q już istnieje.",

		"statuses_h1": "Mapowanie statusów", "statuses_hint": "Mapowanie oddziału ma pierwszeństwo przed wspólnym dla wszystkich oddziałów.",
		"dms_status": "Status w DMS", "canonical": "Status naryad", "statuses_add": "Dodaj lub zastąp mapowanie",
		"dms_status_label": "Nazwa statusu w DMS", "save_mapping": "Zapisz mapowanie",
		"err_raw_required": "Podaj nazwę statusu w DMS.", "err_canonical": "Status %q nie jest jednym z: %s.",

		"templates_h1": "Szablony", "template": "Szablon", "show": "Pokaż", "own_text": "Ten oddział ma własny tekst.",
		"default_text": "Ten oddział używa tekstu domyślnego.", "default_sample": "Tekst domyślny, z przykładowymi danymi",
		"branch_text": "Tekst oddziału (text/template)", "save_override": "Zapisz własny tekst", "reset_default": "Przywróć tekst domyślny",
		"err_choose": "Wybierz oddział, szablon i język.", "err_unknown_template": "Nieznany szablon %q.",

		"tokens_h1": "Tokeny DMS", "token_once": "Token węzła %s. Jest pokazywany tylko teraz: skopiuj go do konfiguracji węzła DMS.",
		"node": "Węzeł", "acked_seq": "Potwierdzony numer", "acked_at": "Potwierdzono", "created": "Utworzono", "state": "Stan",
		"revoked": "unieważniony", "live": "aktywny", "revoke": "Unieważnij", "tokens_add": "Utwórz token", "node_name": "Nazwa węzła", "create_token": "Utwórz token",
		"err_node_required": "Podaj nazwę węzła.", "err_no_node": "Brak węzła %q z aktywnym tokenem.",
	},
	"en": {
		"title": "Admin", "every_branch": "every branch", "branch": "Branch", "language": "Language", "name": "Name",
		"done_user": "The user was added.", "done_user_locale": "The user's language was saved.", "done_branch": "The branch was added.",
		"done_status": "The status mapping was saved.", "done_template": "The template was saved.", "done_reset": "The template was reset to the default text.",
		"done_revoked": "The node's tokens were revoked.", "done_payments": "The payment settings were saved.", "done_payments-off": "Online payments were turned off.",
		"done_wa-account": "The WhatsApp account was added. Link a phone to it.", "done_wa-pacing": "The pacing was saved.",
		"done_wa-branch": "The branch's WhatsApp settings were saved.", "done_wa-logout": "The account was logged out.", "done_wa-reconnect": "The account connects again.",

		"overview_h1": "Administration", "overview_users": "staff accounts, their roles and branches.",
		"overview_branches": "the service centres.", "overview_statuses": "what the DMS's status names mean.",
		"overview_templates": "a branch's own wording of customer messages.", "overview_tokens": "the nodes that push to the hub, and their tokens.",
		"overview_reminders": "reminders to customers and the tasks they make.", "overview_whatsapp": "the branches' WhatsApp accounts and their linking.",
		"overview_audit": "Every change made here is written to the audit log.",

		"users_h1": "Users", "login": "Login", "role": "Role", "branches": "Branches", "disabled": "disabled",
		"users_add": "Add a user", "password": "Password", "add_user": "Add user", "save": "Save",
		"role_admin": "admin", "role_advisor": "advisor", "role_mechanic": "mechanic",
		"locale_": "none (the browser's, then the branch's)", "locale_ru": "Русский", "locale_pl": "Polski", "locale_en": "English",
		"err_unknown_branch": "Unknown branch %s.", "err_login_taken": "Login %s is already taken.", "err_user": "The user was not added: %s.",
		"err_locale": "No such language: choose one from the list.", "err_no_user": "No such user.",

		"branches_h1": "Branches", "code": "Code", "country": "Country", "time_zone": "Time zone", "phone": "Phone",
		"working_hours": "Working hours", "online_payments": "Online payments", "inspection": "Inspection", "settings": "settings", "checklist": "checklist",
		"branches_add": "Add a branch", "code_label": "Code (as the DMS sends it)", "name_label": "Name customers see",
		"country_label": "Country (ISO code, e.g. RU)", "time_zone_label": "Time zone (e.g. Europe/Moscow)", "add_branch": "Add branch",
		"err_branch": "The branch was not added: %s.", "err_branch_taken": "A branch with code %q already exists.",

		"statuses_h1": "Status mapping", "statuses_hint": "A branch's own mapping wins over the one for every branch.",
		"dms_status": "DMS status", "canonical": "Canonical status", "statuses_add": "Add or replace a mapping",
		"dms_status_label": "DMS status name", "save_mapping": "Save mapping",
		"err_raw_required": "The DMS status name is required.", "err_canonical": "Canonical status %q is not one of %s.",

		"templates_h1": "Templates", "template": "Template", "show": "Show", "own_text": "This branch has its own text.",
		"default_text": "This branch uses the default text.", "default_sample": "Default text, with sample data",
		"branch_text": "Branch text (text/template)", "save_override": "Save override", "reset_default": "Reset to default",
		"err_choose": "Choose a branch, a template and a language.", "err_unknown_template": "Unknown template %q.",

		"tokens_h1": "DMS tokens", "token_once": "Token of node %s. It is shown only this once: copy it into the DMS node's configuration now.",
		"node": "Node", "acked_seq": "Acked seq", "acked_at": "Acked at", "created": "Created", "state": "State",
		"revoked": "revoked", "live": "live", "revoke": "Revoke", "tokens_add": "Create a token", "node_name": "Node name", "create_token": "Create token",
		"err_node_required": "The node name is required.", "err_no_node": "No node %q with a live token.",
	},
}
