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
	if len(keys) != 10 {
		t.Fatalf("Keys() has %d keys, want 10", len(keys))
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
