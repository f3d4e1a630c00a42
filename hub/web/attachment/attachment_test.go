package attachment

import "testing"

func TestServedTypeAndDisposition(t *testing.T) {
	cases := []struct {
		stored, served string
		inline         bool
	}{
		{"image/jpeg", "image/jpeg", true},
		{"image/webp", "image/webp", true},
		{"video/mp4", "video/mp4", true},
		{"application/pdf", "application/pdf", false},
		{"image/heic", "image/heic", false},
		{"audio/ogg", "audio/ogg", false},
		{"image/svg+xml", "application/octet-stream", false},
		{"text/html", "application/octet-stream", false},
		{"text/javascript", "application/octet-stream", false},
		{"application/xhtml+xml", "application/octet-stream", false},
		{"text/css", "application/octet-stream", false},
		{"", "application/octet-stream", false},
	}
	for _, tc := range cases {
		served := ServedType(tc.stored)
		if served != tc.served || inline(served) != tc.inline {
			t.Errorf("%q: served as %q inline %v, want %q inline %v", tc.stored, served, inline(served), tc.served, tc.inline)
		}
	}
}
