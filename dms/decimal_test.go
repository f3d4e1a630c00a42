package dms

import "testing"

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		raw   string
		scale int
		want  int64
		err   string
	}{
		{"95000", 0, 95000, ""},
		{"1 500,50", 2, 150050, ""},
		{"1\u00a0500,5", 2, 150050, ""},
		{"1500.5", 2, 150050, ""},
		{"-3", 2, -300, ""},
		{"+2.000", 3, 2000, ""},
		{"1.5", 3, 1500, ""},
		{",5", 2, 50, ""},
		{"10.0000", 2, 1000, ""},
		{"10.005", 2, 0, `more than 2 decimal places: "10.005"`},
		{"abc", 2, 0, `not a number: "abc"`},
		{"", 2, 0, `not a number: ""`},
		{"1.2.3", 2, 0, `not a number: "1.2.3"`},
		{"1e5", 2, 0, `not a number: "1e5"`},
		{"-", 2, 0, `not a number: "-"`},
		{"99999999999999999999", 0, 0, `number too large: "99999999999999999999"`},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got, err := parseDecimal(c.raw, c.scale)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("parseDecimal(%q) error = %v, want %q", c.raw, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("parseDecimal(%q, %d) = %d, %v; want %d", c.raw, c.scale, got, err, c.want)
			}
		})
	}
}
