package templates

import (
	"strings"
	"unicode/utf16"
)

// SMS encodings as SMSSegments reports them.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// gsmBasic is the GSM 03.38 default alphabet in table order (0x00–0x7F),
// without 0x1B, which is the escape to the extension table rather than a
// character. Each costs one septet.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmnop" +
	"qrstuvwxyzäöñüà"

// gsmExtension is the GSM 03.38 extension table: each costs two septets
// (escape + code), and the pair must stay in one part.
const gsmExtension = "\f^{}\\[~]|€"

// Part sizes in septets (GSM-7) or UTF-16 code units (UCS-2). A multipart
// message loses 7 septets / 3 code units per part to the concatenation
// header.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// SMSSegments reports how many SMS parts body needs and in which encoding.
// Any character outside the GSM 03.38 basic and extension tables makes the
// whole message UCS-2. An empty body counts as 1 segment in GSM-7: a carrier
// still bills one message if it is sent.
func SMSSegments(body string) (segments int, encoding string) {
	units, ok := gsmUnits(body)
	if ok {
		return countParts(units, gsmSingle, gsmPart), EncodingGSM7
	}
	return countParts(ucs2Units(body), ucs2Single, ucs2Part), EncodingUCS2
}

// gsmUnits lists the septet cost of each character, or ok=false if some
// character has no GSM-7 encoding.
func gsmUnits(body string) (units []int, ok bool) {
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			units = append(units, 1)
		case strings.ContainsRune(gsmExtension, r):
			units = append(units, 2)
		default:
			return nil, false
		}
	}
	return units, true
}

// ucs2Units lists the UTF-16 length of each character: 2 for a character
// outside the Basic Multilingual Plane (most emoji), whose surrogate pair
// must stay in one part.
func ucs2Units(body string) []int {
	var units []int
	for _, r := range body {
		units = append(units, utf16.RuneLen(r))
	}
	return units
}

// countParts packs characters of the given unit costs into parts. If the
// whole text fits single units it is one part; otherwise parts of partSize
// are filled in order and a character that would straddle a boundary moves
// whole to the next part, leaving its last unit unused.
func countParts(units []int, single, partSize int) int {
	total := 0
	for _, u := range units {
		total += u
	}
	if total <= single {
		return 1
	}
	parts, used := 1, 0
	for _, u := range units {
		if used+u > partSize {
			parts++
			used = 0
		}
		used += u
	}
	return parts
}
