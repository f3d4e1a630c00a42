package templates

import (
	"strings"
	"testing"
)

func TestSMSSegments(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name     string
		body     string
		segments int
		encoding string
	}{
		{"empty still costs one", "", 1, EncodingGSM7},
		{"short", "Hello", 1, EncodingGSM7},
		{"160 GSM fits one", a("a", 160), 1, EncodingGSM7},
		{"161 GSM needs two", a("a", 161), 2, EncodingGSM7},
		{"153*2 GSM fills two", a("a", 153*2), 2, EncodingGSM7},
		{"153*2+1 GSM needs three", a("a", 153*2+1), 3, EncodingGSM7},
		{"GSM basic accents", "Ä Ö Ñ Ü § ¿ ä ö ñ ü à É é è ù ì ò Ç Ø ø Å å Æ æ ß ¡ £ ¥ ¤ Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ @ $ _", 1, EncodingGSM7},
		{"newline and CR are basic", "a\r\nb", 1, EncodingGSM7},
		{"extension chars count double", a("€", 80), 1, EncodingGSM7},
		{"81 extension chars overflow", a("€", 81), 2, EncodingGSM7},
		{"all extension chars", "^{}\\[~]|€\f", 1, EncodingGSM7},
		{"159 + extension overflows", a("a", 159) + "{", 2, EncodingGSM7},
		{"158 + extension fits", a("a", 158) + "{", 1, EncodingGSM7},
		// 152 septets then "€": it would take septets 153–154 of part one,
		// so it moves to part two, which then holds 2+151 = 153.
		{"extension does not straddle", a("a", 152) + "€" + a("a", 151), 2, EncodingGSM7},
		{"straddle pushes a third part", a("a", 152) + "€" + a("a", 152), 3, EncodingGSM7},
		{"extension at exact boundary", a("a", 151) + "€" + a("a", 153), 2, EncodingGSM7},
		{"70 Cyrillic fits one", a("ж", 70), 1, EncodingUCS2},
		{"71 Cyrillic needs two", a("ж", 71), 2, EncodingUCS2},
		{"67*2 Cyrillic fills two", a("ж", 67*2), 2, EncodingUCS2},
		{"67*2+1 Cyrillic needs three", a("ж", 67*2+1), 3, EncodingUCS2},
		{"one Cyrillic letter switches all", a("a", 100) + "ж", 2, EncodingUCS2},
		{"Polish ogonek is not GSM", "Prosimy o akceptację", 1, EncodingUCS2},
		{"Polish l with stroke is not GSM", "zł", 1, EncodingUCS2},
		{"no-break space is not GSM", "1\u00a0500", 1, EncodingUCS2},
		{"35 emoji fill one", a("🚗", 35), 1, EncodingUCS2},
		{"36 emoji need two", a("🚗", 36), 2, EncodingUCS2},
		// 66 units then an emoji: its pair would straddle unit 67/68, so it
		// moves whole to part two.
		{"emoji pair does not straddle", a("ж", 66) + "🚗" + a("ж", 65), 2, EncodingUCS2},
		{"straddling emoji pushes a third part", a("ж", 66) + "🚗" + a("ж", 66), 3, EncodingUCS2},
		{"Škoda forces UCS-2", "Škoda Octavia", 1, EncodingUCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segments, encoding := SMSSegments(tt.body)
			if segments != tt.segments || encoding != tt.encoding {
				t.Errorf("SMSSegments = %d %s, want %d %s", segments, encoding, tt.segments, tt.encoding)
			}
		})
	}
}

func TestGSMTables(t *testing.T) {
	if n := len([]rune(gsmBasic)); n != 127 {
		t.Errorf("basic table has %d characters, want 127 (128 minus escape)", n)
	}
	if n := len([]rune(gsmExtension)); n != 10 {
		t.Errorf("extension table has %d characters, want 10", n)
	}
	seen := map[rune]bool{}
	for _, r := range gsmBasic + gsmExtension {
		if seen[r] {
			t.Errorf("%q appears twice", r)
		}
		seen[r] = true
	}
	for _, r := range "`ąęłńśźżĄĘŁŃŚŹŻçâêáíóú\u00a0\u2013„”«»₽" {
		if seen[r] {
			t.Errorf("%q is in the GSM tables but GSM 03.38 lacks it", r)
		}
	}
}
