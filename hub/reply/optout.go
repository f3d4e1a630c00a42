// Package reply reads what a customer's message means beyond its text,
// whichever channel it came by (the customer page, WhatsApp): a word that
// stops or restarts their reminders (STOP, START) and a score answering the
// feedback question. The customer page and the channels call it inside the
// transaction that stores the message; the reminders read what it records.
package reply

import (
	"context"
	"strings"
	"unicode"

	"naryad/hub"
	"naryad/hub/store"
)

// DefaultOptOutWords are the replies that stop reminders when
// NARYAD_OPTOUT_WORDS is not set: English, Russian, Polish.
const DefaultOptOutWords = "STOP,СТОП,NIE"

// optInWords are the replies that start reminders again.
var optInWords = []string{"START", "СТАРТ"}

// OptOutWords recognises a customer's reply that is exactly an opt-out
// word (STOP) or an opt-in word (START): case, surrounding spaces and
// punctuation do not matter ("Stop!" stops), other words do ("stop it"
// does not). The zero value recognises only the opt-in words.
type OptOutWords struct {
	stop map[string]bool
}

// NewOptOutWords recognises words as opt-out replies.
func NewOptOutWords(words []string) OptOutWords {
	w := OptOutWords{stop: map[string]bool{}}
	for _, word := range words {
		if n := normalizeReply(word); n != "" {
			w.stop[n] = true
		}
	}
	return w
}

// Apply records what the customer's text on thread t says about
// reminders, through st (the caller's transaction that stored the text):
// an opt-out word sets their opt-out with a system line, an opt-in word
// clears it. Nothing is sent back. Work-order notifications are not
// affected; only the reminder Runner reads the opt-out.
func (w OptOutWords) Apply(ctx context.Context, st *store.Store, t hub.Thread, text string) error {
	n := normalizeReply(text)
	switch {
	case n == "":
		return nil
	case w.stop[n]:
		_, err := st.SetOptOut(ctx, t, true)
		return err
	case isOptIn(n):
		_, err := st.SetOptOut(ctx, t, false)
		return err
	}
	return nil
}

func isOptIn(n string) bool {
	for _, w := range optInWords {
		if n == w {
			return true
		}
	}
	return false
}

// normalizeReply upper-cases the text and drops punctuation and symbols,
// then surrounding spaces: "  stop! " → "STOP".
func normalizeReply(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
	return strings.ToUpper(strings.TrimSpace(s))
}
