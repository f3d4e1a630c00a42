package panel

// texts are the panel's words in the languages staff pages speak. Kinds
// (k_*) and states (s_*) are keyed by the wire.Event* and wire.State*
// values.
var texts = map[string]map[string]string{
	"ru": {
		"title":    "Ключницы",
		"no_sites": "В ваших филиалах нет ключниц.", "last_sync": "Последняя связь с киоском",
		"offline_since": "Киоск не на связи с", "offline_never": "Киоск ещё ни разу не выходил на связь.",
		"boxes": "Ячейки", "box": "Ячейка", "size": "Размер", "state": "Состояние", "work_order": "Заказ-наряд", "held": "Сколько",
		"alarms": "Тревоги", "no_alarms": "Открытых тревог нет.", "raised": "Когда", "clear": "Снять",
		"events": "Журнал", "no_events": "Событий пока нет.", "time": "Время", "kind": "Событие", "actor": "Кто",
		"reason": "Причина", "open": "Открыть удалённо", "h": "ч", "min": "мин", "courtesy_car": "Подменный",
		"done_open": "Ячейка откроется при следующей синхронизации киоска.", "done_cleared": "Тревога снята.",
		"err_reason": "Укажите причину удалённого открытия; ничего не сохранено.", "err_reason_long": "Причина слишком длинная (до 300 знаков); ничего не сохранено.",
		"a_customer": "клиент", "a_kiosk": "киоск",
		"s_free": "свободна", "s_open": "открыта", "s_held": "ключи клиента", "s_with_staff": "у сотрудника",
		"s_ready": "готово к выдаче", "s_attention": "требует внимания", "s_broken": "неисправна",
		"k_door_opened": "дверца открыта", "k_keys_received": "ключи получены от клиента", "k_dropoff_no_item": "дверца закрыта пустой",
		"k_dropoff_aborted": "клиент отменил сдачу", "k_keys_taken": "сотрудник забрал ключи", "k_keys_returned": "ключи положены для выдачи",
		"k_keys_collected": "клиент забрал ключи", "k_item_left": "в ячейке что-то осталось", "k_pin_lockout": "ввод кодов заблокирован",
		"k_door_left_open": "дверца не закрыта", "k_door_closed": "дверца закрыта", "k_remote_open": "открыта удалённо",
		"k_board_offline": "плата не отвечает", "k_board_online": "плата снова отвечает", "k_state_rebuilt": "киоск перезапущен",
		"k_unexpected_state": "состояние не совпадает",
	},
	"pl": {
		"title":    "Skrytki na klucze",
		"no_sites": "W Twoich oddziałach nie ma skrytek.", "last_sync": "Ostatnia synchronizacja kiosku",
		"offline_since": "Kiosk bez połączenia od", "offline_never": "Kiosk jeszcze nigdy się nie połączył.",
		"boxes": "Skrytki", "box": "Skrytka", "size": "Rozmiar", "state": "Stan", "work_order": "Zlecenie", "held": "Od",
		"alarms": "Alarmy", "no_alarms": "Brak otwartych alarmów.", "raised": "Kiedy", "clear": "Zamknij alarm",
		"events": "Dziennik", "no_events": "Brak zdarzeń.", "time": "Czas", "kind": "Zdarzenie", "actor": "Kto",
		"reason": "Powód", "open": "Otwórz zdalnie", "h": "godz.", "min": "min", "courtesy_car": "Zastępcze",
		"done_open": "Skrytka otworzy się przy następnej synchronizacji kiosku.", "done_cleared": "Alarm zamknięty.",
		"err_reason": "Podaj powód zdalnego otwarcia; nic nie zapisano.", "err_reason_long": "Powód jest za długi (do 300 znaków); nic nie zapisano.",
		"a_customer": "klient", "a_kiosk": "kiosk",
		"s_free": "wolna", "s_open": "otwarta", "s_held": "klucze klienta", "s_with_staff": "u pracownika",
		"s_ready": "do odbioru", "s_attention": "wymaga uwagi", "s_broken": "uszkodzona",
		"k_door_opened": "drzwiczki otwarte", "k_keys_received": "klucze przyjęte od klienta", "k_dropoff_no_item": "drzwiczki zamknięte bez kluczy",
		"k_dropoff_aborted": "klient zrezygnował", "k_keys_taken": "pracownik wyjął klucze", "k_keys_returned": "klucze odłożone do odbioru",
		"k_keys_collected": "klient odebrał klucze", "k_item_left": "coś zostało w skrytce", "k_pin_lockout": "wpisywanie kodów zablokowane",
		"k_door_left_open": "drzwiczki nie zamknięte", "k_door_closed": "drzwiczki zamknięte", "k_remote_open": "otwarta zdalnie",
		"k_board_offline": "płyta nie odpowiada", "k_board_online": "płyta znów odpowiada", "k_state_rebuilt": "kiosk uruchomiony ponownie",
		"k_unexpected_state": "niezgodny stan",
	},
	"en": {
		"title":    "Key lockers",
		"no_sites": "There are no lockers at your branches.", "last_sync": "Kiosk last synced",
		"offline_since": "Kiosk offline since", "offline_never": "The kiosk has never synced.",
		"boxes": "Compartments", "box": "Box", "size": "Size", "state": "State", "work_order": "Work order", "held": "Held",
		"alarms": "Alarms", "no_alarms": "No open alarms.", "raised": "Raised", "clear": "Clear",
		"events": "Event log", "no_events": "No events yet.", "time": "Time", "kind": "Event", "actor": "Who",
		"reason": "Reason", "open": "Open remotely", "h": "h", "min": "min", "courtesy_car": "Courtesy car",
		"done_open": "The box will open at the kiosk's next sync.", "done_cleared": "The alarm was cleared.",
		"err_reason": "Give a reason for the remote opening; nothing was stored.", "err_reason_long": "The reason is too long (up to 300 characters); nothing was stored.",
		"a_customer": "customer", "a_kiosk": "kiosk",
		"s_free": "free", "s_open": "open", "s_held": "customer's keys", "s_with_staff": "with staff",
		"s_ready": "ready for pickup", "s_attention": "needs attention", "s_broken": "broken",
		"k_door_opened": "door opened", "k_keys_received": "keys received from the customer", "k_dropoff_no_item": "door closed with nothing inside",
		"k_dropoff_aborted": "customer gave up the drop-off", "k_keys_taken": "staff took the keys", "k_keys_returned": "keys put back for pickup",
		"k_keys_collected": "customer collected the keys", "k_item_left": "something left inside", "k_pin_lockout": "code entry locked",
		"k_door_left_open": "door left open", "k_door_closed": "door closed", "k_remote_open": "opened remotely",
		"k_board_offline": "board not answering", "k_board_online": "board answers again", "k_state_rebuilt": "kiosk restarted",
		"k_unexpected_state": "state mismatch",
	},
}

// word is the text for key, or fallback when the panel has no word for it
// (a kind or state newer than these texts still shows, untranslated).
func word(t map[string]string, key, fallback string) string {
	if w, ok := t[key]; ok {
		return w
	}
	return fallback
}
