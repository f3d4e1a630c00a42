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
)

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
