package templates

import (
	"slices"
	"testing"
)

func TestNormalizeLocale(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ru", "ru"},
		{"ru-RU", "ru"},
		{"PL", "pl"},
		{"pl_PL", "pl"},
		{" en-GB ", "en"},
		{"de", "en"},
		{"uk-UA", "en"},
		{"", "en"},
		{"russian", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormalizeLocale(tt.in); got != tt.want {
				t.Errorf("NormalizeLocale(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestKeysAndLocales(t *testing.T) {
	keys := Keys()
	if len(keys) != 30 {
		t.Fatalf("Keys() has %d keys, want 30", len(keys))
	}
	keys[0] = "mutated"
	if Keys()[0] != KeyStatusReceived {
		t.Error("Keys() shares its backing array with callers")
	}
	if got := Locales(); !slices.Equal(got, []string{"ru", "pl", "en"}) {
		t.Errorf("Locales() = %v", got)
	}
	if IsKey("status.unknown") || !IsKey(KeyMessageAdvisor) {
		t.Error("IsKey disagrees with Keys")
	}
}

func TestReplyKeysLeaveOutOneTimeCodes(t *testing.T) {
	got := ReplyKeys()
	if slices.Contains(got, KeyLockerDropOff) || slices.Contains(got, KeyLockerPickupPIN) {
		t.Fatalf("reply keys offer a one-time code message: %v", got)
	}
	for _, k := range []string{KeyReminderMaintenance, KeyReminderTyres, KeyReminderExpiring, KeyReminderDeclinedWork, KeyPaymentReceived, KeyPaymentRequest,
		KeyBookingConfirmed, KeyBookingMoved, KeyBookingDeclined, KeyReminderLoanDue, KeyLoanKeyPickup, KeyLoanKeyReturn, KeyLoanKeyReturned} {
		if slices.Contains(got, k) {
			t.Fatalf("reply keys offer %s, whose data only a reminder rule has: %v", k, got)
		}
	}
	if !slices.Contains(got, KeyMessageAdvisor) || !slices.Contains(got, KeyLockerReceived) ||
		!slices.Contains(got, KeyReminderKeys) || !slices.Contains(got, KeyReminderFeedback) || len(got) != len(Keys())-15 {
		t.Fatalf("reply keys = %v", got)
	}
}
