package pdftext

import "testing"

func TestCleanerText(t *testing.T) {
	c, err := NewCleaner()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"Łódź Żółć ąćęłńóśźż":    "Łódź Żółć ąćęłńóśźż",
		"Щукин Ёж":               "Щукин Ёж",
		"4 500 ₽":                "4 500 руб.",
		"a\tb\r\nc\x00d\ufeff":   "a b\ncd",
		"car 🚗 \xff!":            "car ? !",
		"1\u202f000":             "1\u00a0000",
		"line\u2028sep\u2029end": "linesepend",
	} {
		if got := c.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}
