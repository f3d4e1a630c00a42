package templates

import "strings"

// Message keys. A key names what happened; the text for it is chosen per
// locale and, optionally, per branch.
const (
	KeyStatusReceived        = "status.received"
	KeyStatusInProgress      = "status.in_progress"
	KeyStatusWaitingParts    = "status.waiting_parts"
	KeyStatusWaitingApproval = "status.waiting_approval"
	KeyStatusReady           = "status.ready"
	KeyStatusDelivered       = "status.delivered"
	KeyStatusCancelled       = "status.cancelled"
	KeyEstimateRequest       = "estimate.request"
	KeyDocumentReady         = "document.ready"
	KeyMessageAdvisor        = "message.advisor"
	// Key locker: the code to leave keys with, their arrival, the PIN to
	// collect them once the work order is ready and paid, and collection.
	KeyLockerDropOff   = "locker.dropoff"
	KeyLockerReceived  = "locker.received"
	KeyLockerPickupPIN = "locker.pickup_pin"
	KeyLockerCollected = "locker.collected"
	// Reminders (package reminders): maintenance due, the seasonal tyre
	// change, expiring items of one customer together, keys left in the
	// locker, an estimate left undecided, the 0-10 score asked for the day
	// after hand-over.
	KeyReminderMaintenance = "reminder.maintenance"
	KeyReminderTyres       = "reminder.tyres"
	KeyReminderExpiring    = "reminder.expiring"
	KeyReminderKeys        = "reminder.keys"
	KeyReminderApproval    = "reminder.approval"
	KeyReminderFeedback    = "reminder.feedback"
	// KeyReminderDeclinedWork offers again, once, the inspection items the
	// customer declined (Lines: the items' names).
	KeyReminderDeclinedWork = "reminder.declined_work"
	// Online payments (package payments): the receipt after the customer
	// paid, and an amount an advisor asked for from the thread.
	KeyPaymentReceived = "payment.received"
	KeyPaymentRequest  = "payment.request"
	// Bookings from the customer's account (issue 19): the DMS confirmed,
	// moved or declined a booking (BookingAt: its start; Text: the DMS's
	// note, may be empty).
	KeyBookingConfirmed = "booking.confirmed"
	KeyBookingMoved     = "booking.moved"
	KeyBookingDeclined  = "booking.declined"
	// KeyReminderLoanDue tells the customer their courtesy car (Vehicle:
	// model and plate) is due back (DueAt: when), the day before (#20).
	KeyReminderLoanDue = "reminder.loan_due"
	// Courtesy cars' keys in the key locker (issue 20, lockerhub): the
	// code to take the car's key, the code to bring it back, and the key
	// back. Vehicle and Plate are the courtesy car, not the customer's.
	KeyLoanKeyPickup   = "loan.key_pickup"
	KeyLoanKeyReturn   = "loan.key_return"
	KeyLoanKeyReturned = "loan.key_returned"
)

// ReplyKeys lists the keys an advisor may start a reply from: every key but
// those carrying a one-time locker code, which exists only in the message
// sent when the code is issued and cannot be typed into a draft, and the
// reminders whose text is made of what only a reminder rule knows (the due
// date, the season, the expiring items), and the payment messages, whose
// amount only the payments service knows, and the booking answers, whose
// time only the DMS's booking event brings, and the courtesy car's
// due-back reminder and key messages, whose car, time and code only the
// loan and the locker know.
func ReplyKeys() []string {
	var out []string
	for _, k := range Keys() {
		switch k {
		case KeyLockerDropOff, KeyLockerPickupPIN, KeyReminderMaintenance, KeyReminderTyres, KeyReminderExpiring,
			KeyReminderDeclinedWork, KeyPaymentReceived, KeyPaymentRequest,
			KeyBookingConfirmed, KeyBookingMoved, KeyBookingDeclined, KeyReminderLoanDue,
			KeyLoanKeyPickup, KeyLoanKeyReturn, KeyLoanKeyReturned:
			continue
		}
		out = append(out, k)
	}
	return out
}

// Supported locales. FallbackLocale is used for anything else.
const (
	LocaleRU       = "ru"
	LocalePL       = "pl"
	LocaleEN       = "en"
	FallbackLocale = LocaleEN
)

// Keys returns every message key, in a stable order. The slice is the
// caller's to keep.
func Keys() []string {
	return []string{
		KeyStatusReceived,
		KeyStatusInProgress,
		KeyStatusWaitingParts,
		KeyStatusWaitingApproval,
		KeyStatusReady,
		KeyStatusDelivered,
		KeyStatusCancelled,
		KeyEstimateRequest,
		KeyDocumentReady,
		KeyMessageAdvisor,
		KeyLockerDropOff,
		KeyLockerReceived,
		KeyLockerPickupPIN,
		KeyLockerCollected,
		KeyReminderMaintenance,
		KeyReminderTyres,
		KeyReminderExpiring,
		KeyReminderKeys,
		KeyReminderApproval,
		KeyReminderFeedback,
		KeyReminderDeclinedWork,
		KeyPaymentReceived,
		KeyPaymentRequest,
		KeyBookingConfirmed,
		KeyBookingMoved,
		KeyBookingDeclined,
		KeyReminderLoanDue,
		KeyLoanKeyPickup,
		KeyLoanKeyReturn,
		KeyLoanKeyReturned,
	}
}

// Locales returns every supported locale, in a stable order.
func Locales() []string {
	return []string{LocaleRU, LocalePL, LocaleEN}
}

// IsKey reports whether key is one of Keys.
func IsKey(key string) bool {
	for _, k := range Keys() {
		if k == key {
			return true
		}
	}
	return false
}

// NormalizeLocale maps a language tag as the DMS or a browser sends it
// ("ru-RU", "PL", "pl_PL", " en-GB ") to a supported locale. Anything
// unsupported or empty becomes FallbackLocale, so a message is always sent in
// some language rather than not at all.
func NormalizeLocale(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Locales() {
		if l == s {
			return l
		}
	}
	return FallbackLocale
}
