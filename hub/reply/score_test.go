package reply_test

import (
	"testing"

	"naryad/hub/reply"
)

func TestParseScore(t *testing.T) {
	cases := []struct {
		text string
		want int // -1: not a score
	}{
		{"9", 9},
		{" 10! ", 10},
		{"0", 0},
		{"8/10", 8},
		{"8 / 10", 8},
		{"4 из 10", 4},
		{"7 na 10", 7},
		{"9 out of 10", 9},
		{"Оценка: 9", 9},
		{"ocena 6", 6},
		{"10 👍", 10},
		{"«5»", 5},
		{"9 баллов", 9},
		{"11", -1},
		{"100", -1},
		{"-3", -1},
		{"7.5", -1},
		{"7,5", -1},
		{"7-8", -1},
		{"call me at 5", -1},
		{"at 5", -1},
		{"5 of 10", -1},
		{"оценка", -1},
		{"спасибо", -1},
		{"٩", -1}, // an Arabic-Indic nine
		{"", -1},
	}
	for _, c := range cases {
		got, ok := reply.ParseScore(c.text)
		if c.want < 0 && ok {
			t.Errorf("ParseScore(%q) = %d, want no score", c.text, got)
		}
		if c.want >= 0 && (!ok || got != c.want) {
			t.Errorf("ParseScore(%q) = %d %v, want %d", c.text, got, ok, c.want)
		}
	}
}
