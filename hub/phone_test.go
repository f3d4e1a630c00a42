package hub

import "testing"

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ raw, region, want string }{
		{"8 (916) 123-45-67", "RU", "+79161234567"},
		{"+7 916 123 45 67", "PL", "+79161234567"},
		{"601 234 567", "PL", "+48601234567"},
		{"+48601234567", "RU", "+48601234567"},
		{"12", "RU", ""},
		{"abc", "RU", ""},
		{"", "RU", ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got, err := NormalizePhone(c.raw, c.region)
			if c.want == "" {
				if err == nil {
					t.Fatalf("NormalizePhone(%q) = %q, want an error", c.raw, got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("NormalizePhone(%q, %s) = %q, %v; want %q", c.raw, c.region, got, err, c.want)
			}
		})
	}
}
