package hub

import "testing"

func TestSniffFile(t *testing.T) {
	cases := map[string]string{
		"\xff\xd8\xff\xe0 jfif":              "image/jpeg",
		"\x89PNG\r\n\x1a\n....":              "image/png",
		"%PDF-1.7\n":                         "application/pdf",
		"\x00\x00\x00\x18ftypheic\x00\x00":   "image/heic",
		"\x00\x00\x00\x14ftypqt  \x00\x00":   "video/quicktime",
		"\x00\x00\x00\x20ftypisom\x00\x00":   "video/mp4",
		"OggS\x00\x02":                       "audio/ogg",
		"ID3\x04\x00":                        "audio/mpeg",
		"\xff\xfb\x90\x64":                   "audio/mpeg",
		"\x00\x00\x00\x20ftypM4A \x00\x00":   "audio/mp4",
		"<svg xmlns='http://www.w3.org/'>":   "",
		"GIF89a":                             "",
		"plain text that claims to be a jpg": "",
	}
	for data, want := range cases {
		if got := SniffFile([]byte(data)); got != want {
			t.Errorf("SniffFile(%q) = %q, want %q", data, got, want)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	cases := map[string]string{
		"../../etc/passwd":       "passwd",
		`C:\Users\Иван\фото.jpg`: "фото.jpg",
		"a\x00b\nc.png":          "abc.png",
		"":                       "file",
		"/":                      "file",
	}
	for in, want := range cases {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
