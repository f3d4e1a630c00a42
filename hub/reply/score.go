package reply

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// scoreLeads are the words a score may follow: "оценка 9", "score: 8".
var scoreLeads = []string{"оценка", "ocena", "score", "rating"}

// scoreTails are what may follow the number: the scale ("8/10", "4 из 10",
// "7 na 10", "9 out of 10") or a unit ("9 баллов", "8 pkt").
var scoreTails = [][]string{
	{"/", "10"}, {"из", "10"}, {"на", "10"}, {"na", "10"}, {"out", "of", "10"},
	{"балл"}, {"балла"}, {"баллов"}, {"pkt"}, {"punktów"}, {"punkty"}, {"points"},
}

// ParseScore reads a reply to the feedback question: a whole number from 0
// to 10 on its own, optionally with its scale or unit after it and one of
// a few words before it, in any case, with punctuation and emoji around it
// ("10!", "4 из 10", "Оценка: 9 👍"). Anything else is not a score: a
// sentence with a number in it ("call me at 5"), a number out of range
// ("11"), a fraction ("7.5") or a negative one.
func ParseScore(text string) (int, bool) {
	tokens, ok := scoreTokens(text)
	if !ok || len(tokens) == 0 {
		return 0, false
	}
	if slices.Contains(scoreLeads, tokens[0]) {
		tokens = tokens[1:]
	}
	if len(tokens) == 0 || !isNumber(tokens[0]) || len(tokens[0]) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(tokens[0])
	if err != nil || n > 10 {
		return 0, false
	}
	if rest := tokens[1:]; len(rest) > 0 && !slices.ContainsFunc(scoreTails, func(tail []string) bool {
		return slices.Equal(rest, tail)
	}) {
		return 0, false
	}
	return n, true
}

// scoreTokens splits lower-cased text into words, ASCII numbers and "/";
// everything else (spaces, punctuation, emoji) separates them. false when
// the text holds a number that is not a whole non-negative one: a sign
// before a digit ("-3") or a separator between two digits ("7.5", "7-8").
func scoreTokens(text string) ([]string, bool) {
	var tokens []string
	var cur strings.Builder
	curKind := 0 // 0 none, 1 number, 2 word
	flush := func() {
		if cur.Len() > 0 {
			tokens = append(tokens, cur.String())
			cur.Reset()
		}
		curKind = 0
	}
	runes := []rune(strings.ToLower(text))
	for i, r := range runes {
		kind := 0
		switch {
		case r >= '0' && r <= '9':
			kind = 1
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			kind = 2 // a non-ASCII digit makes a word, never a score
		}
		if kind == 0 {
			flush()
			if r == '/' {
				tokens = append(tokens, "/")
				continue
			}
			next := i+1 < len(runes) && runes[i+1] >= '0' && runes[i+1] <= '9'
			prev := i > 0 && runes[i-1] >= '0' && runes[i-1] <= '9'
			if next && (prev || r == '-' || r == '−' || r == '–') {
				return nil, false
			}
			continue
		}
		if kind != curKind {
			flush()
		}
		curKind = kind
		cur.WriteRune(r)
	}
	flush()
	return tokens, true
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
