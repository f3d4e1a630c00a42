package templates

// Phrases of the locker line (SysLockerEvent's what_key): what happened at
// a box, one per kiosk event kind and detail (lockerhub's describe).
const (
	SysLockerOpened         = "locker.opened"
	SysLockerOpenedDropOff  = "locker.opened_dropoff"
	SysLockerOpenedPickup   = "locker.opened_pickup"
	SysLockerOpenedStaff    = "locker.opened_staff"
	SysLockerOpenedAgain    = "locker.opened_again"
	SysLockerKeysReceived   = "locker.keys_received"
	SysLockerNoItem         = "locker.no_item"
	SysLockerDropOffAborted = "locker.dropoff_aborted"
	SysLockerKeysTaken      = "locker.keys_taken"
	SysLockerKeysReturned   = "locker.keys_returned"
	SysLockerKeysCollected  = "locker.keys_collected"
	SysLockerItemLeft       = "locker.item_left"
	SysLockerPINLockout     = "locker.pin_lockout"
	SysLockerDoorLeftOpen   = "locker.door_left_open"
	SysLockerDoorClosed     = "locker.door_closed"
	SysLockerRemoteOpen     = "locker.remote_open"
	SysLockerBoardOffline   = "locker.board_offline"
	SysLockerBoardOnline    = "locker.board_online"
	SysLockerStateRebuilt   = "locker.state_rebuilt"
	SysLockerUnexpected     = "locker.unexpected"
)

var lockerPhrases = map[string]map[string]string{
	SysLockerOpened:         {LocaleRU: "дверца открыта", LocalePL: "drzwiczki otwarte", LocaleEN: "door opened"},
	SysLockerOpenedDropOff:  {LocaleRU: "дверца открыта, чтобы оставить ключи", LocalePL: "drzwiczki otwarte do zostawienia kluczy", LocaleEN: "door opened for a drop-off"},
	SysLockerOpenedPickup:   {LocaleRU: "дверца открыта, чтобы забрать ключи", LocalePL: "drzwiczki otwarte do odbioru kluczy", LocaleEN: "door opened for a pickup"},
	SysLockerOpenedStaff:    {LocaleRU: "дверцу открыл сотрудник", LocalePL: "drzwiczki otworzył pracownik", LocaleEN: "door opened by staff"},
	SysLockerOpenedAgain:    {LocaleRU: "дверца открыта повторно", LocalePL: "drzwiczki otwarte ponownie", LocaleEN: "door opened again"},
	SysLockerKeysReceived:   {LocaleRU: "ключи получены от клиента", LocalePL: "klucze odebrane od klienta", LocaleEN: "keys received from the customer"},
	SysLockerNoItem:         {LocaleRU: "дверца закрыта пустой; ключи не оставлены", LocalePL: "drzwiczki zamknięte bez zawartości; klucze nie zostały zostawione", LocaleEN: "door closed with nothing inside; the drop-off is not finished"},
	SysLockerDropOffAborted: {LocaleRU: "клиент передумал оставлять ключи; ячейка снова свободна", LocalePL: "zostawienie kluczy przerwane; schowek znów wolny", LocaleEN: "drop-off given up; the box is free again"},
	SysLockerKeysTaken:      {LocaleRU: "ключи забрал сотрудник", LocalePL: "klucze wyjął pracownik", LocaleEN: "keys taken out by staff"},
	SysLockerKeysReturned:   {LocaleRU: "ключи положены для выдачи клиенту", LocalePL: "klucze włożone do odbioru", LocaleEN: "keys put back for pickup"},
	SysLockerKeysCollected:  {LocaleRU: "клиент забрал ключи", LocalePL: "klient odebrał klucze", LocaleEN: "keys collected by the customer"},
	SysLockerItemLeft:       {LocaleRU: "ТРЕВОГА: после выдачи в ячейке что-то осталось", LocalePL: "ALARM: po odbiorze coś zostało w środku", LocaleEN: "ALARM: something is still inside after the pickup"},
	SysLockerPINLockout:     {LocaleRU: "ТРЕВОГА: слишком много неверных кодов, ввод заблокирован", LocalePL: "ALARM: zbyt wiele błędnych kodów, wpisywanie zablokowane", LocaleEN: "ALARM: too many wrong codes, code entry locked"},
	SysLockerDoorLeftOpen:   {LocaleRU: "ТРЕВОГА: дверца осталась открытой", LocalePL: "ALARM: drzwiczki pozostały otwarte", LocaleEN: "ALARM: door left open"},
	SysLockerDoorClosed:     {LocaleRU: "дверца снова закрыта", LocalePL: "drzwiczki znów zamknięte", LocaleEN: "door closed again"},
	SysLockerRemoteOpen:     {LocaleRU: "открыто удалённо", LocalePL: "otwarte zdalnie", LocaleEN: "opened remotely"},
	SysLockerBoardOffline:   {LocaleRU: "ТРЕВОГА: плата замков перестала отвечать", LocalePL: "ALARM: płytka zamków przestała odpowiadać", LocaleEN: "ALARM: a lock board stopped answering"},
	SysLockerBoardOnline:    {LocaleRU: "плата замков снова отвечает", LocalePL: "płytka zamków znów odpowiada", LocaleEN: "the lock board answers again"},
	SysLockerStateRebuilt:   {LocaleRU: "киоск перезапущен, состояние прочитано с плат замков", LocalePL: "kiosk uruchomiony ponownie, stan odczytany z płytek zamków", LocaleEN: "kiosk restarted, state read back from the lock boards"},
	SysLockerUnexpected:     {LocaleRU: "ТРЕВОГА: платы замков расходятся с записями киоска", LocalePL: "ALARM: płytki zamków nie zgadzają się z zapisami kiosku", LocaleEN: "ALARM: the lock boards disagree with the kiosk's records"},
}
