package hub

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// SniffFile names the type of a file people send (a customer's photo or
// PDF, a mechanic's photo or short video) from its first bytes, never from
// its name: "image/jpeg", "image/png", "image/heic", "application/pdf",
// "video/mp4", "video/quicktime", "audio/ogg", "audio/mpeg" or "audio/mp4"
// (an advisor's voice note or audio file); "" for anything else. Each surface then
// decides which of these it accepts.
func SniffFile(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte("OggS")):
		return "audio/ogg"
	case bytes.HasPrefix(b, []byte("ID3")), len(b) >= 2 && b[0] == 0xFF && b[1]&0xE6 == 0xE2: // MPEG audio frame sync, layer III
		return "audio/mpeg"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "image/heic"
		case "qt  ":
			return "video/quicktime"
		case "M4A ":
			return "audio/mp4"
		case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash":
			return "video/mp4"
		}
	}
	return ""
}

// CleanFileName keeps a display name without folders or control characters,
// at most 120 characters; "file" when nothing is left.
func CleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}
