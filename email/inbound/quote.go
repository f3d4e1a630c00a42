package inbound

import (
	"regexp"
	"strings"
)

// The history mail clients quote under (or above) a reply is the thread
// itself, which the inbox shows already: only the customer's new words are
// stored. A reply is cut at the first line that starts the quoted history:
//
//   - a line quoted with '>';
//   - an attribution line: "On … wrote:" (en), "… пишет:" / "… написал(а):"
//     (ru), "… napisał(a):" / "Dnia … napisał:" (pl), also split over two
//     lines as Gmail does;
//   - "-----Original Message-----", "-----Исходное сообщение-----",
//     "-----Wiadomość oryginalna-----" and their like;
//   - Outlook's header block: a "From:" (От:, Od:) line followed within
//     three lines by "Sent:" / "Date:" (Отправлено:, Дата:, Wysłano:, Data:).
//
// Trailing blank lines and a lone "--" signature separator go too; the
// signature under it is cut with it.

var (
	attribution = regexp.MustCompile(`(?i)^(on\s.+\swrote:|.+\s(пишет|написал|написала|написал\(а\)|napisał|napisała|napisał\(a\)):)\s*$`)
	// attributionStart is an attribution that a client wrapped: the verb
	// is on the next line.
	attributionStart = regexp.MustCompile(`(?i)^(on\s.+|dnia\s.+|.+\d{1,2}:\d{2}.*)$`)
	attributionEnd   = regexp.MustCompile(`(?i)^.*(wrote|пишет|написал|написала|написал\(а\)|napisał|napisała|napisał\(a\)):\s*$`)
	originalMessage  = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|wiadomość oryginalna|oryginalna wiadomość|forwarded message)\s*-{2,}\s*$`)
	outlookFrom      = regexp.MustCompile(`(?i)^\s*\*?(from|от|od):\*?\s+\S`)
	outlookSent      = regexp.MustCompile(`(?i)^\s*\*?(sent|date|отправлено|дата|wysłano|data):\*?\s+\S`)
)

// cutQuoted returns the reply without the quoted history and signature.
func cutQuoted(text string) string {
	lines := strings.Split(text, "\n")
	end := len(lines)
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if startsHistory(lines, i, l) {
			end = i
			break
		}
	}
	lines = lines[:end]
	for i, l := range lines {
		if strings.TrimRight(l, " \t") == "--" {
			lines = lines[:i]
			break
		}
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func startsHistory(lines []string, i int, l string) bool {
	switch {
	case strings.HasPrefix(l, ">"):
		return true
	case attribution.MatchString(l), originalMessage.MatchString(l):
		return true
	case outlookFrom.MatchString(l):
		for j := i + 1; j < len(lines) && j <= i+3; j++ {
			if outlookSent.MatchString(lines[j]) {
				return true
			}
		}
	case attributionStart.MatchString(l) && i+1 < len(lines):
		next := strings.TrimSpace(lines[i+1])
		return attributionEnd.MatchString(next) && !attributionEnd.MatchString(l) && len([]rune(next)) < 120
	}
	return false
}
