package templates

// System lines of bookings from the customer's account (issue 19). {when}
// is the slot's start as the branch's clock reads it; {kind_key} one of the
// kind phrases below.
const (
	SysBookingRequested = "booking.requested"
	SysBookingCancelled = "booking.cancelled"
	SysBookingMovedByMe = "booking.moved_by_customer"
	SysBookingConfirmed = "booking.confirmed"
	SysBookingMoved     = "booking.moved"
	SysBookingDeclined  = "booking.declined"

	SysBookingKindMaintenance = "booking.kind.maintenance"
	SysBookingKindTyres       = "booking.kind.tyres"
	SysBookingKindDiagnostics = "booking.kind.diagnostics"
	SysBookingKindOther       = "booking.kind.other"
)

var bookingLines = map[string]map[string]string{
	SysBookingRequested: {
		LocaleRU: "Запись на {kind_key} {when}[: {services}][, {vehicle}][. Комментарий: {note}]",
		LocalePL: "Rezerwacja: {kind_key} {when}[: {services}][, {vehicle}][. Uwagi: {note}]",
		LocaleEN: "Booking for {kind_key} {when}[: {services}][, {vehicle}][. Note: {note}]",
	},
	SysBookingCancelled: {
		LocaleRU: "Клиент отменил запись на {when}",
		LocalePL: "Klient odwołał rezerwację na {when}",
		LocaleEN: "The customer cancelled the booking for {when}",
	},
	SysBookingMovedByMe: {
		LocaleRU: "Клиент перенёс запись с {from} на {when}",
		LocalePL: "Klient przeniósł rezerwację z {from} na {when}",
		LocaleEN: "The customer moved the booking from {from} to {when}",
	},
	SysBookingConfirmed: {
		LocaleRU: "Запись на {when} подтверждена[: {note}]",
		LocalePL: "Rezerwacja na {when} potwierdzona[: {note}]",
		LocaleEN: "Booking for {when} confirmed[: {note}]",
	},
	SysBookingMoved: {
		LocaleRU: "Запись перенесена на {when}[: {note}]",
		LocalePL: "Rezerwacja przeniesiona na {when}[: {note}]",
		LocaleEN: "Booking moved to {when}[: {note}]",
	},
	SysBookingDeclined: {
		LocaleRU: "Запись на {when} отклонена[: {note}]",
		LocalePL: "Rezerwacja na {when} odrzucona[: {note}]",
		LocaleEN: "Booking for {when} declined[: {note}]",
	},
	SysBookingKindMaintenance: {LocaleRU: "ТО", LocalePL: "przegląd", LocaleEN: "maintenance"},
	SysBookingKindTyres:       {LocaleRU: "шиномонтаж", LocalePL: "wymianę opon", LocaleEN: "tyres"},
	SysBookingKindDiagnostics: {LocaleRU: "диагностику", LocalePL: "diagnostykę", LocaleEN: "diagnostics"},
	SysBookingKindOther:       {LocaleRU: "сервис", LocalePL: "serwis", LocaleEN: "service"},
}

// BookingKindKey is the phrase key of a kind of service (the {kind_key}
// of SysBookingRequested).
func BookingKindKey(kind string) string { return "booking.kind." + kind }
