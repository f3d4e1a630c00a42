package inbound

import "testing"

// The quoted history is cut in the forms the clients here write it, in
// Russian, Polish and English; the customer's own words stay.
func TestCutQuoted(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"gmail en", "Yes, tomorrow.\n\nOn Mon, 7 Dec 2026 at 09:12, Service <s@example.pl> wrote:\n> Your car is ready.", "Yes, tomorrow."},
		{"gmail en wrapped", "Yes.\n\nOn Mon, 7 Dec 2026 at 09:12, Service\n<s@example.pl> wrote:\n> ready", "Yes."},
		{"ru пишет", "Заберу в 10.\n\n07.12.2026, 09:12, \"Автосервис\" <s@example.ru> пишет:\n> Готово", "Заберу в 10."},
		{"ru написал", "Спасибо\n\nПн, 7 дек. 2026 г. в 09:12, Иван написал(а):\nГотово", "Спасибо"},
		{"pl napisał", "Dziękuję, będę jutro.\n\nW dniu 7.12.2026 o 09:12 Serwis <s@example.pl> napisał(a):\n> Auto gotowe", "Dziękuję, będę jutro."},
		{"pl dnia wrapped", "Ok\n\nDnia 7 grudnia 2026 09:12 Serwis <s@example.pl>\nnapisał:\nAuto gotowe", "Ok"},
		{"outlook en", "Fine.\n\n-----Original Message-----\nFrom: Service\nSent: Monday\nready", "Fine."},
		{"outlook ru", "Хорошо.\n\n-----Исходное сообщение-----\nОт: Сервис\nГотово", "Хорошо."},
		{"outlook block", "Dobrze.\n\n________________________________\nOd: Serwis <s@example.pl>\nWysłano: poniedziałek, 7 grudnia 2026 09:12\nDo: Anna\nTemat: Auto", "Dobrze.\n\n________________________________"},
		{"outlook block en", "OK\nFrom: Service <s@example.pl>\nSent: Monday, December 7, 2026 9:12 AM\nTo: Anna", "OK"},
		{"signature", "Buduję.\n-- \nAnna Nowak\ntel. 600", "Buduję."},
		{"nothing quoted", "Line one\nLine two: with a colon", "Line one\nLine two: with a colon"},
		{"from in text", "From: the garage I heard it is ready", "From: the garage I heard it is ready"},
		{"all quoted", "> only history", ""},
	} {
		if got := cutQuoted(tc.in); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// An HTML-only reply is read as text, its <blockquote> history cut.
func TestHTMLReply(t *testing.T) {
	in := `<html><head><style>p{}</style></head><body><div>Tak, <b>jutro</b> o&nbsp;10.</div><div><br></div>` +
		`<div class="gmail_quote">W dniu pon. napisał(a):<blockquote>Auto gotowe</blockquote></div><script>x()</script></body></html>`
	if got := cutQuoted(cleanText(htmlText(in))); got != "Tak, jutro o 10." {
		t.Fatalf("%q", got)
	}
}
