package templates

import (
	"regexp"
	"strconv"
	"strings"
)

// System lines are what naryad itself writes into a thread (a decision, a
// payment, a locker event …). They are stored as a key of this catalog with
// string parameters, and worded here in every language, so each reader sees
// them in theirs: the advisor in the inbox, the customer on their page.
//
// A wording names its parameters in braces: "{name}". A part in square
// brackets is written only when every parameter inside it is non-empty
// ("[, box {box}]"). Two kinds of parameter are rendered, not copied:
//
//   - a name ending in "_minor" is an amount in minor units, written as
//     money in the reader's locale with args["currency"] (no currency, as in
//     lines migrated from the old English text: the number alone);
//   - a name ending in "_key" is another key of this catalog (a phrase such
//     as what a locker door did), rendered in the same locale.
//
// Other parameters (names, numbers of work orders, a provider's reason) are
// written as given.

// System line keys.
const (
	SysDecisionApproved    = "decision.approved"
	SysDecisionDeclined    = "decision.declined"
	SysTask                = "task"
	SysTaskNote            = "task.note"
	SysFeedbackScore       = "feedback.score"
	SysFeedbackLowScore    = "feedback.low_score"
	SysOptedOut            = "reminders.opted_out"
	SysOptedIn             = "reminders.opted_in"
	SysNumberRevealed      = "whatsapp.number_revealed"
	SysLeadMerged          = "lead.merged"
	SysMovedTo             = "message.moved_to"
	SysMovedFromOrder      = "message.moved_from_order"
	SysMovedFromOther      = "message.moved_from_other"
	SysInspectionSent      = "inspection.sent"
	SysStatusUnmapped      = "dms.status_unmapped"
	SysLockerEvent         = "locker.event"
	SysOtherOrders         = "whatsapp.other_orders"
	SysMediaFailed         = "whatsapp.media_failed"
	SysMediaGone           = "whatsapp.media_gone"
	SysGroupCreated        = "group.created"
	SysGroupInvited        = "group.invited"
	SysGroupFailed         = "group.failed"
	SysGroupJoined         = "group.joined"
	SysGroupLeftByCustomer = "group.customer_left"
	SysGroupLeftEnded      = "group.left_ended"
	SysGroupGone           = "group.gone"
	SysPaid                = "payment.paid"
	SysPaymentFailed       = "payment.failed"
	SysPaymentCancelled    = "payment.cancelled"
	SysPaymentPageOpened   = "payment.page_opened"
	SysPaymentRequested    = "payment.requested"
	SysRefunded            = "payment.refunded"
	// Courtesy-car loan page (issue 20, the customer's side).
	SysLoanIdentitySubmitted = "loan.identity_submitted"
	SysLoanSigned            = "loan.signed"
)

// System line keys of the courtesy car's reminders (#20, the DUE helper):
// the first overdue line (the task), a line each further 24 h the car is
// still out, and the task's title (a phrase, in the branch's language).
const (
	SysLoanOverdue      = "loan.overdue"
	SysLoanStillOverdue = "loan.still_overdue"
	SysLoanOverdueTask  = "loan.overdue_task"
)

// System line keys of the courtesy car's online identity check (package
// identity): Stripe checking, verified, a failed try, a canceled check.
const (
	SysLoanIdentityProcessing = "loan.identity_processing"
	SysLoanIdentityVerified   = "loan.identity_verified"
	SysLoanIdentityFailed     = "loan.identity_failed"
	SysLoanIdentityCanceled   = "loan.identity_canceled"

	// Courtesy cars' keys in the key locker (issue 20, lockerhub): an
	// event of the key, the key taken (the loan out) and brought back (the
	// loan returned), and a key gone while the loan was not ready for it.
	SysLoanLockerEvent    = "loan.locker_event"
	SysLoanLockerOut      = "loan.locker_out"
	SysLoanLockerReturned = "loan.locker_returned"
	SysLoanLockerAstray   = "loan.locker_astray"
	// Courtesy-car loans, the staff's side (the inbox's loan card).
	SysLoanOffered          = "loan.offered"
	SysLoanWithdrawn        = "loan.withdrawn"
	SysLoanIdentityApproved = "loan.identity_approved"
	SysLoanIdentityRefused  = "loan.identity_refused"
	SysLoanOutDesk          = "loan.out_desk"
	SysLoanReturnedDesk     = "loan.returned_desk"
	SysLoanLessFuel         = "loan.less_fuel" // a phrase of loan.returned_desk
)

// System line keys of the courtesy car's deposit (issue 20; package
// payments writes them).
const (
	SysLoanDepositPageOpened = "loan.deposit_page_opened"
	SysLoanDepositHeld       = "loan.deposit_held"
	SysLoanDepositFailed     = "loan.deposit_failed"
	SysLoanDepositUnwanted   = "loan.deposit_unwanted"
	SysLoanDepositCaptured   = "loan.deposit_captured"
	SysLoanDepositReleased   = "loan.deposit_released"
	SysLoanDepositLapsed     = "loan.deposit_lapsed"
)

// System line keys of a courtesy car's deposit left at the desk and of an
// identity check moved from Stripe to the advisor's photos (the inbox's
// loan card, the customer's page).
const (
	SysLoanDepositDesk         = "loan.deposit_desk"
	SysLoanDepositDeskReturned = "loan.deposit_desk_returned"
	SysLoanDepositDeskKept     = "loan.deposit_desk_kept"
	SysLoanIdentityManual      = "loan.identity_manual"
)

// System line key of the readings at a courtesy car's return recorded
// after its key came back through the locker (issue 20, the E2E helper:
// the inbox's loan card).
const SysLoanReturnReadings = "loan.return_readings"

// System line keys of the courtesy car's photos and return check (issue
// 20, the PHOTOS helper): the customer's reading at the return, the line
// and the task's title (a phrase, in the branch's language) when the car
// came back with less fuel or damage, and the damage phrase of both.
const (
	SysLoanReturnReported = "loan.return_reported"
	SysLoanReturnCheck    = "loan.return_check"
	SysLoanReturnTask     = "loan.return_task"
	SysLoanDamageNoted    = "loan.damage_noted" // a phrase of the three above
	// SysLoanDamageDesk is the phrase when staff noticed it at the desk.
	SysLoanDamageDesk = "loan.damage_noted_desk"
)

// systemLines is the catalog: key → locale → wording.
var systemLines = map[string]map[string]string{
	SysDecisionApproved: {
		LocaleRU: "Клиент согласовал «{name}» ({total_minor})",
		LocalePL: "Klient zaakceptował «{name}» ({total_minor})",
		LocaleEN: "Customer approved «{name}» ({total_minor})",
	},
	SysDecisionDeclined: {
		LocaleRU: "Клиент отказался от «{name}» ({total_minor})",
		LocalePL: "Klient odrzucił «{name}» ({total_minor})",
		LocaleEN: "Customer declined «{name}» ({total_minor})",
	},
	SysTask: {
		LocaleRU: "Задача: {title}",
		LocalePL: "Zadanie: {title}",
		LocaleEN: "Task: {title}",
	},
	SysTaskNote: {
		LocaleRU: "Задача: {title}.[ {note}]",
		LocalePL: "Zadanie: {title}.[ {note}]",
		LocaleEN: "Task: {title}.[ {note}]",
	},
	SysFeedbackScore: {
		LocaleRU: "Оценка клиента: {score}/10",
		LocalePL: "Ocena klienta: {score}/10",
		LocaleEN: "Feedback score: {score}/10",
	},
	SysFeedbackLowScore: {
		LocaleRU: "Задача: низкая оценка {score}/10 — позвоните клиенту (заказ-наряд {order})",
		LocalePL: "Zadanie: niska ocena {score}/10 — zadzwoń do klienta (zlecenie {order})",
		LocaleEN: "Task: Low score {score}/10 — call the customer (order {order})",
	},
	SysOptedOut: {
		LocaleRU: "Клиент отказался от напоминаний",
		LocalePL: "Klient zrezygnował z przypomnień",
		LocaleEN: "Customer opted out of reminders",
	},
	SysOptedIn: {
		LocaleRU: "Клиент снова согласился на напоминания",
		LocalePL: "Klient ponownie zgodził się na przypomnienia",
		LocaleEN: "Customer opted back in to reminders",
	},
	SysNumberRevealed: {
		LocaleRU: "WhatsApp раскрыл номер этого клиента ({chat}): {phone}. Сообщения теперь идут на него.",
		LocalePL: "WhatsApp ujawnił numer tego klienta ({chat}): {phone}. Wiadomości trafiają teraz na ten numer.",
		LocaleEN: "WhatsApp revealed the number of this customer ({chat}): {phone}. Messages go to it from now on.",
	},
	SysLeadMerged: {
		LocaleRU: "Присоединён диалог лида {lead} ({phone}), сообщений: {count}",
		LocalePL: "Dołączono wątek leada {lead} ({phone}), wiadomości: {count}",
		LocaleEN: "Merged lead thread {lead} ({phone}): {count} messages",
	},
	SysMovedTo: {
		LocaleRU: "Сообщение клиента перенесено в заказ-наряд {order}: «{snippet}»",
		LocalePL: "Wiadomość klienta przeniesiono do zlecenia {order}: «{snippet}»",
		LocaleEN: "A customer message was moved to work order {order}: «{snippet}»",
	},
	SysMovedFromOrder: {
		LocaleRU: "Сообщение клиента перенесено сюда из заказ-наряда {order}: «{snippet}»",
		LocalePL: "Wiadomość klienta przeniesiono tutaj ze zlecenia {order}: «{snippet}»",
		LocaleEN: "A customer message was moved here from work order {order}: «{snippet}»",
	},
	SysMovedFromOther: {
		LocaleRU: "Сообщение клиента перенесено сюда из другого диалога: «{snippet}»",
		LocalePL: "Wiadomość klienta przeniesiono tutaj z innej rozmowy: «{snippet}»",
		LocaleEN: "A customer message was moved here from another conversation: «{snippet}»",
	},
	SysInspectionSent: {
		LocaleRU: "Осмотр отправлен в 1С (версия {revision}), отправил(а) {by}",
		LocalePL: "Przegląd wysłany do DMS (wersja {revision}), wysłał(a) {by}",
		LocaleEN: "Inspection sent to the DMS (revision {revision}) by {by}",
	},
	SysStatusUnmapped: {
		LocaleRU: "Статус 1С «{status}» не сопоставлен со статусом для клиента; сообщение не отправлено. Сопоставьте его в настройках филиала.",
		LocalePL: "Status DMS «{status}» nie ma odpowiednika dla klienta; wiadomość nie została wysłana. Przypisz go w ustawieniach oddziału.",
		LocaleEN: "DMS status «{status}» is not mapped to a customer status; no message was sent. Map it in the branch settings.",
	},
	SysLockerEvent: {
		LocaleRU: "Постамат «{site}»[, ячейка {box}]: {what_key}[ ({by})].",
		LocalePL: "Skrytka «{site}»[, schowek {box}]: {what_key}[ ({by})].",
		LocaleEN: "Locker «{site}»[, box {box}]: {what_key}[ ({by})].",
	},
	SysOtherOrders: {
		LocaleRU: "У этого клиента есть другие открытые заказ-наряды: {orders}. Если сообщение о них, перенесите его туда.",
		LocalePL: "Ten klient ma inne otwarte zlecenia: {orders}. Jeśli wiadomość dotyczy jednego z nich, przenieś ją tam.",
		LocaleEN: "This customer has other open work orders: {orders}. If the message is about one of them, move it there.",
	},
	SysMediaFailed: {
		LocaleRU: "Файл из WhatsApp ({file}) не удалось скачать: {reason}. Попросите отправителя прислать его ещё раз.",
		LocalePL: "Nie udało się pobrać pliku z WhatsApp ({file}): {reason}. Poproś nadawcę o ponowne wysłanie.",
		LocaleEN: "{file} sent over WhatsApp could not be downloaded: {reason}. Ask the sender to send it again.",
	},
	SysMediaGone: {
		LocaleRU: "Файл из WhatsApp ({file}) не удалось скачать: его уже нет на телефоне отправителя.",
		LocalePL: "Nie udało się pobrać pliku z WhatsApp ({file}): nie ma go już na telefonie nadawcy.",
		LocaleEN: "{file} sent over WhatsApp could not be downloaded: it is no longer on the sender's phone.",
	},
	SysGroupCreated: {
		LocaleRU: "Создана группа WhatsApp «{name}»: {members}.[ Не добавлены: {skipped}.]",
		LocalePL: "Utworzono grupę WhatsApp «{name}»: {members}.[ Nie dodano: {skipped}.]",
		LocaleEN: "WhatsApp group «{name}» created: {members}.[ Not added: {skipped}.]",
	},
	SysGroupInvited: {
		LocaleRU: "Создана группа WhatsApp «{name}»: {members}.[ Не добавлены: {skipped}.] Клиент получил ссылку-приглашение в личном чате; сообщения идут туда, пока он не вступит.",
		LocalePL: "Utworzono grupę WhatsApp «{name}»: {members}.[ Nie dodano: {skipped}.] Klient dostał link z zaproszeniem na czacie prywatnym; wiadomości trafiają tam, dopóki nie dołączy.",
		LocaleEN: "WhatsApp group «{name}» created: {members}.[ Not added: {skipped}.] The customer got the group's invite link in the direct chat; messages go there until they join.",
	},
	SysGroupFailed: {
		LocaleRU: "Группу WhatsApp «{name}» не удалось создать: {reason}. Сообщения идут в личный чат клиента; повторной попытки не будет.",
		LocalePL: "Nie udało się utworzyć grupy WhatsApp «{name}»: {reason}. Wiadomości trafiają na czat prywatny klienta; nie będzie kolejnej próby.",
		LocaleEN: "WhatsApp group «{name}» could not be created: {reason}. Messages go to the customer's direct chat; the group will not be tried again.",
	},
	SysGroupJoined: {
		LocaleRU: "Клиент вступил в группу WhatsApp «{name}»: сообщения теперь идут туда.",
		LocalePL: "Klient dołączył do grupy WhatsApp «{name}»: wiadomości trafiają teraz tam.",
		LocaleEN: "The customer joined the WhatsApp group «{name}»: messages go there now.",
	},
	SysGroupLeftByCustomer: {
		LocaleRU: "Клиент вышел из группы WhatsApp «{name}»: сообщения идут в его личный чат, пока он не вернётся.",
		LocalePL: "Klient opuścił grupę WhatsApp «{name}»: wiadomości trafiają na jego czat prywatny, dopóki nie wróci.",
		LocaleEN: "The customer left the WhatsApp group «{name}»: messages go to their direct chat until they join again.",
	},
	SysGroupLeftEnded: {
		LocaleRU: "Аккаунт вышел из группы WhatsApp «{name}»: заказ-наряд {order} закрыт более {days} дн. назад. Сообщения снова идут в личный чат клиента.",
		LocalePL: "Konto opuściło grupę WhatsApp «{name}»: zlecenie {order} zakończyło się ponad {days} dni temu. Wiadomości znów trafiają na czat prywatny klienta.",
		LocaleEN: "The account left the WhatsApp group «{name}»: work order {order} ended more than {days} day(s) ago. Messages go to the customer's direct chat again.",
	},
	SysGroupGone: {
		LocaleRU: "Группы WhatsApp «{name}» больше нет, или аккаунт из неё удалён ({error}); она считается покинутой. Сообщения снова идут в личный чат клиента.",
		LocalePL: "Grupy WhatsApp «{name}» już nie ma lub konto zostało z niej usunięte ({error}); uznano ją za opuszczoną. Wiadomości znów trafiają na czat prywatny klienta.",
		LocaleEN: "The WhatsApp group «{name}» is gone or the account was removed from it ({error}); it counts as left. Messages go to the customer's direct chat again.",
	},
	SysPaid: {
		LocaleRU: "Оплачено онлайн: {paid_minor}[ ({method})] ({provider}, платёж {provider_id}).[{marked_key}]",
		LocalePL: "Zapłacono online: {paid_minor}[ ({method})] ({provider}, płatność {provider_id}).[{marked_key}]",
		LocaleEN: "Paid online: {paid_minor}[ by {method}] ({provider} payment {provider_id}).[{marked_key}]",
	},
	"payment.marked_paid": {
		LocaleRU: " Заказ-наряд отмечен оплаченным.",
		LocalePL: " Zlecenie oznaczono jako opłacone.",
		LocaleEN: " The work order is marked paid.",
	},
	SysPaymentFailed: {
		LocaleRU: "Онлайн-платёж на {amount_minor} не прошёл[: {reason}].",
		LocalePL: "Płatność online na {amount_minor} nie powiodła się[: {reason}].",
		LocaleEN: "Online payment of {amount_minor} failed[: {reason}].",
	},
	SysPaymentCancelled: {
		LocaleRU: "Онлайн-платёж на {amount_minor} отменён[: {reason}].",
		LocalePL: "Płatność online na {amount_minor} została anulowana[: {reason}].",
		LocaleEN: "Online payment of {amount_minor} was cancelled[: {reason}].",
	},
	SysPaymentPageOpened: {
		LocaleRU: "Клиент открыл страницу оплаты {provider} на {amount_minor} (платёж {payment}).",
		LocalePL: "Klient otworzył stronę płatności {provider} na {amount_minor} (płatność {payment}).",
		LocaleEN: "The customer opened the {provider} payment page for {amount_minor} (payment {payment}).",
	},
	SysPaymentRequested: {
		LocaleRU: "{by} запросил(а) оплату: {amount_minor}, {reason}.",
		LocalePL: "{by} poprosił(a) o płatność: {amount_minor}, {reason}.",
		LocaleEN: "Payment requested by {by}: {amount_minor}, {reason}.",
	},
	SysRefunded: {
		LocaleRU: "Возвращено {refund_minor} из онлайн-платежа {paid_minor}, вернул(а) {by}: {reason}.",
		LocalePL: "Zwrócono {refund_minor} z płatności online {paid_minor}, zwrócił(a) {by}: {reason}.",
		LocaleEN: "Refunded {refund_minor} of the online payment of {paid_minor} by {by}: {reason}.",
	},
	// Courtesy car reminders (#20, the DUE helper).
	SysLoanOverdue: {
		LocaleRU: "Задача: подменный автомобиль {plate}[ ({model})] не возвращён к сроку {due}[, заказ-наряд {order}]. Позвоните клиенту.",
		LocalePL: "Zadanie: samochód zastępczy {plate}[ ({model})] nie wrócił w terminie {due}[, zlecenie {order}]. Zadzwoń do klienta.",
		LocaleEN: "Task: courtesy car {plate}[ ({model})] was not returned by {due}[, order {order}]. Call the customer.",
	},
	SysLoanStillOverdue: {
		LocaleRU: "Подменный автомобиль {plate}[ ({model})] всё ещё не возвращён: срок был {due}, просрочка {days} сут.",
		LocalePL: "Samochód zastępczy {plate}[ ({model})] nadal nie wrócił: termin minął {due}, opóźnienie {days} dni.",
		LocaleEN: "Courtesy car {plate}[ ({model})] is still not back: it was due {due}, {days} day(s) late.",
	},
	SysLoanOverdueTask: {
		LocaleRU: "Подменный автомобиль {plate} не возвращён (срок {due})[, заказ-наряд {order}]",
		LocalePL: "Samochód zastępczy {plate} nie wrócił (termin {due})[, zlecenie {order}]",
		LocaleEN: "Courtesy car {plate} not returned (due {due})[, order {order}]",
	},
	// The courtesy car's online identity check (package identity, #20).
	SysLoanIdentityProcessing: {
		LocaleRU: "Клиент отправил документ и селфи для подменного автомобиля {plate}; {provider} проверяет их (проверка {session}).",
		LocalePL: "Klient przesłał dokument i selfie do samochodu zastępczego {plate}; {provider} je sprawdza (weryfikacja {session}).",
		LocaleEN: "The customer sent their document and selfie for courtesy car {plate}; {provider} is checking them (verification {session}).",
	},
	SysLoanIdentityVerified: {
		LocaleRU: "{provider} подтвердил личность клиента для подменного автомобиля {plate} (проверка {session}).",
		LocalePL: "{provider} potwierdził tożsamość klienta do samochodu zastępczego {plate} (weryfikacja {session}).",
		LocaleEN: "{provider} verified the customer's identity for courtesy car {plate} (verification {session}).",
	},
	SysLoanIdentityFailed: {
		LocaleRU: "Проверка личности {provider} для подменного автомобиля {plate} не прошла[: {reason}] (проверка {session}); клиент может попробовать ещё раз.",
		LocalePL: "Weryfikacja tożsamości {provider} do samochodu zastępczego {plate} nie powiodła się[: {reason}] (weryfikacja {session}); klient może spróbować ponownie.",
		LocaleEN: "The {provider} identity check for courtesy car {plate} failed[: {reason}] (verification {session}); the customer may try again.",
	},
	SysLoanIdentityCanceled: {
		LocaleRU: "Проверка личности {provider} {session} для подменного автомобиля {plate} отменена[: {reason}]; клиент может начать заново.",
		LocalePL: "Weryfikacja tożsamości {provider} {session} do samochodu zastępczego {plate} została anulowana[: {reason}]; klient może zacząć od nowa.",
		LocaleEN: "The {provider} identity check {session} for courtesy car {plate} was canceled[: {reason}]; the customer may start again.",
	},
	// Courtesy-car loan page (issue 20, the customer's side).
	SysLoanIdentitySubmitted: {
		LocaleRU: "Клиент прислал фото документов для подменного автомобиля {plate}: паспорт, водительское удостоверение и селфи. Сверьте их и подтвердите или отклоните личность.",
		LocalePL: "Klient przesłał zdjęcia dokumentów do samochodu zastępczego {plate}: dowód, prawo jazdy i selfie. Porównaj je i potwierdź lub odrzuć tożsamość.",
		LocaleEN: "The customer sent the photos for courtesy car {plate}: ID, driving licence and a selfie. Compare them and approve or refuse the identity.",
	},
	SysLoanSigned: {
		LocaleRU: "Клиент подписал договор на подменный автомобиль {plate} ({document}) как «{name}».",
		LocalePL: "Klient podpisał umowę na samochód zastępczy {plate} ({document}) jako «{name}».",
		LocaleEN: "The customer signed the courtesy car agreement for {plate} ({document}) as «{name}».",
	},

	// Courtesy cars' keys in the key locker (lockerhub).
	SysLoanLockerEvent: {
		LocaleRU: "Постамат «{site}»[, ячейка {box}], ключ подменного автомобиля {plate}: {what_key}[ ({by})].",
		LocalePL: "Skrytka «{site}»[, schowek {box}], kluczyk auta zastępczego {plate}: {what_key}[ ({by})].",
		LocaleEN: "Locker «{site}»[, box {box}], key of courtesy car {plate}: {what_key}[ ({by})].",
	},
	SysLoanLockerOut: {
		LocaleRU: "Клиент забрал ключ подменного автомобиля {plate} из постамата «{site}»[, ячейка {box}]: автомобиль выдан.",
		LocalePL: "Klient odebrał kluczyk auta zastępczego {plate} ze skrytki «{site}»[, schowek {box}]: auto wydane.",
		LocaleEN: "The customer took the key of courtesy car {plate} from locker «{site}»[, box {box}]: the car is out.",
	},
	SysLoanLockerReturned: {
		LocaleRU: "Клиент вернул ключ подменного автомобиля {plate} в постамат «{site}»[, ячейка {box}]: автомобиль возвращён. Проверьте топливо и пробег.",
		LocalePL: "Klient zwrócił kluczyk auta zastępczego {plate} do skrytki «{site}»[, schowek {box}]: auto wróciło. Sprawdź paliwo i przebieg.",
		LocaleEN: "The customer returned the key of courtesy car {plate} to locker «{site}»[, box {box}]: the car is back. Check its fuel and odometer.",
	},
	SysLoanLockerAstray: {
		LocaleRU: "ВНИМАНИЕ: ключ подменного автомобиля {plate} забран из постамата «{site}», хотя выдача не была к этому готова или её состояние не удалось изменить. Свяжитесь с клиентом и исправьте выдачу вручную.",
		LocalePL: "UWAGA: kluczyk auta zastępczego {plate} wyjęto ze skrytki «{site}», choć wypożyczenie nie było na to gotowe lub nie dało się zmienić jego stanu. Zadzwoń do klienta i popraw wypożyczenie ręcznie.",
		LocaleEN: "ATTENTION: the key of courtesy car {plate} was taken from locker «{site}» although the loan was not ready for it or could not move. Call the customer and set the loan right by hand.",
	},
	// Courtesy-car loans, the staff's side (the inbox's loan card). {car}
	// is the plate and model, times are the branch's wall clock.
	SysLoanOffered: {
		LocaleRU: "{by} предложил(а) подменный автомобиль {car} с {from} до {to}; ссылка отправлена клиенту.",
		LocalePL: "{by} zaproponował(a) samochód zastępczy {car} od {from} do {to}; link wysłano klientowi.",
		LocaleEN: "{by} offered the courtesy car {car} from {from} to {to}; the link was sent to the customer.",
	},
	SysLoanWithdrawn: {
		LocaleRU: "{by} отозвал(а) предложение подменного автомобиля {car}; автомобиль снова свободен.",
		LocalePL: "{by} wycofał(a) propozycję samochodu zastępczego {car}; samochód jest znów wolny.",
		LocaleEN: "{by} withdrew the offer of the courtesy car {car}; the car is available again.",
	},
	SysLoanIdentityApproved: {
		LocaleRU: "{by} проверил(а) документы клиента для подменного автомобиля {car}: личность подтверждена.",
		LocalePL: "{by} sprawdził(a) dokumenty klienta do samochodu zastępczego {car}: tożsamość potwierdzona.",
		LocaleEN: "{by} checked the customer's papers for the courtesy car {car}: identity verified.",
	},
	SysLoanIdentityRefused: {
		LocaleRU: "{by} отклонил(а) документы клиента для подменного автомобиля {car}: {reason}. Выдача отменена, автомобиль снова свободен.",
		LocalePL: "{by} odrzucił(a) dokumenty klienta do samochodu zastępczego {car}: {reason}. Wydanie anulowane, samochód jest znów wolny.",
		LocaleEN: "{by} refused the customer's papers for the courtesy car {car}: {reason}. The loan is cancelled; the car is available again.",
	},
	SysLoanOutDesk: {
		LocaleRU: "{by} выдал(а) ключ от подменного автомобиля {car} на стойке.",
		LocalePL: "{by} wydał(a) kluczyk do samochodu zastępczego {car} w recepcji.",
		LocaleEN: "{by} handed over the key of the courtesy car {car} at the desk.",
	},
	SysLoanReturnedDesk: {
		LocaleRU: "{by} принял(а) подменный автомобиль {car} на стойке: топливо {fuel}/8, пробег {km} км.[ {fuel_key}]",
		LocalePL: "{by} przyjął(a) samochód zastępczy {car} w recepcji: paliwo {fuel}/8, przebieg {km} km.[ {fuel_key}]",
		LocaleEN: "{by} took the courtesy car {car} back at the desk: fuel {fuel}/8, odometer {km} km.[ {fuel_key}]",
	},
	SysLoanLessFuel: {
		LocaleRU: "Топлива меньше, чем при выдаче ({fuel_out}/8).",
		LocalePL: "Mniej paliwa niż przy wydaniu ({fuel_out}/8).",
		LocaleEN: "Less fuel than at the handover ({fuel_out}/8).",
	},

	// The courtesy car's deposit (DEPOSIT).
	SysLoanDepositPageOpened: {
		LocaleRU: "Клиент открыл страницу {provider}, чтобы заблокировать залог {amount_minor} за подменный автомобиль (платёж {payment}).",
		LocalePL: "Klient otworzył stronę {provider}, by zablokować kaucję {amount_minor} za samochód zastępczy (płatność {payment}).",
		LocaleEN: "The customer opened the {provider} page to hold the courtesy car's deposit of {amount_minor} (payment {payment}).",
	},
	SysLoanDepositHeld: {
		LocaleRU: "Залог {amount_minor} за подменный автомобиль заблокирован на карте[ ({method})] ({provider}, платёж {provider_id}).",
		LocalePL: "Kaucja {amount_minor} za samochód zastępczy zablokowana na karcie[ ({method})] ({provider}, płatność {provider_id}).",
		LocaleEN: "The courtesy car's deposit of {amount_minor} is held on the card[ ({method})] ({provider} payment {provider_id}).",
	},
	SysLoanDepositFailed: {
		LocaleRU: "Залог {amount_minor} за подменный автомобиль не заблокирован[: {reason}]. Клиент может попробовать ещё раз.",
		LocalePL: "Kaucja {amount_minor} za samochód zastępczy nie została zablokowana[: {reason}]. Klient może spróbować ponownie.",
		LocaleEN: "The courtesy car's deposit of {amount_minor} was not held[: {reason}]. The customer may try again.",
	},
	SysLoanDepositUnwanted: {
		LocaleRU: "Залог {amount_minor} заблокирован, когда подменный автомобиль уже не нужен: блокировка снимается.",
		LocalePL: "Kaucja {amount_minor} została zablokowana, gdy samochód zastępczy nie był już potrzebny: blokada jest zdejmowana.",
		LocaleEN: "A deposit of {amount_minor} was held after the courtesy car was no longer needed: the hold is being released.",
	},
	SysLoanDepositCaptured: {
		LocaleRU: "Из залога {held_minor} за подменный автомобиль удержано {captured_minor}[, удержал(а) {by}][; {rest_minor} возвращено на карту].",
		LocalePL: "Z kaucji {held_minor} za samochód zastępczy pobrano {captured_minor}[, pobrał(a) {by}][; {rest_minor} wraca na kartę].",
		LocaleEN: "Of the courtesy car's deposit of {held_minor}, {captured_minor} was taken[ by {by}][; {rest_minor} goes back to the card].",
	},
	SysLoanDepositReleased: {
		LocaleRU: "Блокировка залога {held_minor} за подменный автомобиль снята[, снял(а) {by}][: {reason}].",
		LocalePL: "Blokada kaucji {held_minor} za samochód zastępczy zdjęta[, zdjął/zdjęła {by}][: {reason}].",
		LocaleEN: "The courtesy car's deposit hold of {held_minor} was released[ by {by}][: {reason}].",
	},
	SysLoanDepositLapsed: {
		LocaleRU: "Блокировка залога {held_minor} за подменный автомобиль закончилась у платёжной системы[: {reason}]; удержать из неё больше ничего нельзя.",
		LocalePL: "Blokada kaucji {held_minor} za samochód zastępczy wygasła u operatora płatności[: {reason}]; nie można już z niej nic pobrać.",
		LocaleEN: "The courtesy car's deposit hold of {held_minor} ended at the provider[: {reason}]; nothing can be taken from it any more.",
	},

	// A deposit left at the desk.
	SysLoanDepositDesk: {
		LocaleRU: "{by} принял(а) залог {amount_minor} за подменный автомобиль {car} на стойке (наличными или картой через терминал).",
		LocalePL: "{by} przyjął/przyjęła kaucję {amount_minor} za samochód zastępczy {car} w recepcji (gotówką lub kartą w terminalu).",
		LocaleEN: "{by} took the deposit of {amount_minor} for the courtesy car {car} at the desk (cash or the card terminal).",
	},
	SysLoanDepositDeskReturned: {
		LocaleRU: "{by} вернул(а) клиенту залог {amount_minor} за подменный автомобиль {car}, принятый на стойке.",
		LocalePL: "{by} zwrócił(a) klientowi kaucję {amount_minor} za samochód zastępczy {car}, przyjętą w recepcji.",
		LocaleEN: "{by} gave the customer back the deposit of {amount_minor} for the courtesy car {car} taken at the desk.",
	},
	SysLoanDepositDeskKept: {
		LocaleRU: "{by} удержал(а) {kept_minor} из залога {amount_minor} за подменный автомобиль {car}, принятого на стойке[; {rest_minor} возвращено клиенту].",
		LocalePL: "{by} zatrzymał(a) {kept_minor} z kaucji {amount_minor} za samochód zastępczy {car}, przyjętej w recepcji[; {rest_minor} zwrócono klientowi].",
		LocaleEN: "{by} kept {kept_minor} of the deposit of {amount_minor} for the courtesy car {car} taken at the desk[; {rest_minor} was given back to the customer].",
	},
	SysLoanIdentityManual: {
		LocaleRU: "Проверка личности для подменного автомобиля {car} переведена со Stripe на фото документов[ ({by})][: {reason}]. Клиент пришлёт пять фото, их нужно сверить и подтвердить здесь.",
		LocalePL: "Weryfikacja tożsamości dla samochodu zastępczego {car} przeniesiona ze Stripe na zdjęcia dokumentów[ ({by})][: {reason}]. Klient prześle pięć zdjęć; porównaj je i zatwierdź tutaj.",
		LocaleEN: "The identity check for the courtesy car {car} moved from Stripe to photos of the papers[ ({by})][: {reason}]. The customer will send five photos; compare and approve them here.",
	},

	// Readings at the return after the locker (E2E).
	SysLoanReturnReadings: {
		LocaleRU: "{by} записал(а) показания подменного автомобиля {car} при возврате: топливо {fuel}/8, пробег {km} км.[ {fuel_key}]",
		LocalePL: "{by} zapisał(a) odczyty samochodu zastępczego {car} przy zwrocie: paliwo {fuel}/8, przebieg {km} km.[ {fuel_key}]",
		LocaleEN: "{by} recorded the courtesy car {car} at its return: fuel {fuel}/8, odometer {km} km.[ {fuel_key}]",
	},
	// The courtesy car's photos and return check (PHOTOS). {note} is the
	// customer's own words about the damage, given only with damage_key.
	SysLoanReturnReported: {
		LocaleRU: "Клиент сообщил показания при возврате подменного автомобиля {plate}: топливо {fuel}/8, пробег {km} км[; {damage_key}][: «{note}»].",
		LocalePL: "Klient podał odczyty przy zwrocie samochodu zastępczego {plate}: paliwo {fuel}/8, przebieg {km} km[; {damage_key}][: «{note}»].",
		LocaleEN: "The customer's reading at the return of courtesy car {plate}: fuel {fuel}/8, odometer {km} km[; {damage_key}][: «{note}»].",
	},
	SysLoanReturnCheck: {
		LocaleRU: "Задача: подменный автомобиль {plate}[ ({model})] вернулся[ с меньшим количеством топлива: {fuel}/8, при выдаче было {fuel_out}/8][; {damage_key}][: «{note}»]. Сравните фото при выдаче и при возврате в карточке подменного автомобиля.",
		LocalePL: "Zadanie: samochód zastępczy {plate}[ ({model})] wrócił[ z mniejszą ilością paliwa: {fuel}/8, przy wydaniu {fuel_out}/8][; {damage_key}][: «{note}»]. Porównaj zdjęcia z wydania i zwrotu w karcie samochodu zastępczego.",
		LocaleEN: "Task: courtesy car {plate}[ ({model})] came back[ with less fuel: {fuel}/8, {fuel_out}/8 at the handover][; {damage_key}][: «{note}»]. Compare the photos of the handover and the return on the courtesy car's card.",
	},
	SysLoanReturnTask: {
		LocaleRU: "Подменный автомобиль {plate} вернулся: проверьте[ — топливо {fuel}/8 (при выдаче {fuel_out}/8)][ — {damage_key}][, заказ-наряд {order}]",
		LocalePL: "Samochód zastępczy {plate} wrócił: sprawdź[ — paliwo {fuel}/8 (przy wydaniu {fuel_out}/8)][ — {damage_key}][, zlecenie {order}]",
		LocaleEN: "Courtesy car {plate} is back: check it[ — fuel {fuel}/8 ({fuel_out}/8 at the handover)][ — {damage_key}][, order {order}]",
	},
	SysLoanDamageNoted: {
		LocaleRU: "клиент отметил повреждения",
		LocalePL: "klient zgłosił uszkodzenia",
		LocaleEN: "the customer noticed damage",
	},
	SysLoanDamageDesk: {
		LocaleRU: "при приёмке на стойке отмечены повреждения ({by})",
		LocalePL: "przy odbiorze w recepcji stwierdzono uszkodzenia ({by})",
		LocaleEN: "damage noticed at the desk ({by})",
	},
}

// SystemLineKeys returns every key of the catalog (phrases included).
func SystemLineKeys() []string {
	keys := make([]string, 0, len(systemLines)+len(lockerPhrases)+len(bookingLines))
	for k := range systemLines {
		keys = append(keys, k)
	}
	for k := range bookingLines {
		keys = append(keys, k)
	}
	for k := range lockerPhrases {
		keys = append(keys, k)
	}
	return keys
}

// IsSystemLineKey tells whether key is in the catalog.
func IsSystemLineKey(key string) bool {
	_, ok := lineWordings(key)
	return ok
}

// lineWordings finds a key's wordings in the catalog's tables.
func lineWordings(key string) (map[string]string, bool) {
	if w, ok := systemLines[key]; ok {
		return w, true
	}
	if w, ok := bookingLines[key]; ok {
		return w, true
	}
	w, ok := lockerPhrases[key]
	return w, ok
}

var (
	optionalPart = regexp.MustCompile(`\[([^\[\]]*)\]`)
	linePlace    = regexp.MustCompile(`\{([a-z_]+)\}`)
)

// SystemLine writes the line key with args in locale (unsupported → en).
// fallback (the stored English body) is returned when the key is unknown,
// e.g. a line written before keys, or by a newer version.
func SystemLine(locale, key string, args map[string]string, fallback string) string {
	return systemLine(locale, key, args, fallback, true)
}

// systemLine is SystemLine; nest tells whether a "_key" parameter is
// rendered as its phrase (in a line) or written as given (in a phrase):
// one level only, so a stored line whose phrase names a line with a phrase
// (itself, say) cannot recurse without end and overflow the stack.
func systemLine(locale, key string, args map[string]string, fallback string, nest bool) string {
	wordings, ok := lineWordings(key)
	if !ok {
		return fallback
	}
	locale = NormalizeLocale(locale)
	text := optionalPart.ReplaceAllStringFunc(wordings[locale], func(part string) string {
		inner := part[1 : len(part)-1]
		for _, m := range linePlace.FindAllStringSubmatch(inner, -1) {
			if args[m[1]] == "" {
				return ""
			}
		}
		return inner
	})
	return linePlace.ReplaceAllStringFunc(text, func(place string) string {
		return lineParam(locale, place[1:len(place)-1], args, nest)
	})
}

// lineParam renders one parameter (see the catalog's comment).
func lineParam(locale, name string, args map[string]string, nest bool) string {
	v := args[name]
	switch {
	case strings.HasSuffix(name, "_minor"):
		minor, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return v
		}
		if args["currency"] == "" {
			return plainAmount(locale, minor)
		}
		return MoneyText(locale, minor, args["currency"])
	case strings.HasSuffix(name, "_key"):
		if !nest || !IsSystemLineKey(v) {
			return v // an unknown phrase (a new locker event kind) as it came
		}
		return systemLine(locale, v, args, v, false)
	}
	return v
}

// plainAmount writes hundredths without a currency, as the old lines had
// them ("1800.00"), with the locale's separators ("1 800,00").
func plainAmount(locale string, minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if locale == LocaleEN {
		return sign + formatDecimal(minor, 2, ",", ".")
	}
	return sign + formatDecimal(minor, 2, " ", ",")
}
