package staffpage

import (
	"errors"
	"fmt"
	"strings"

	"naryad/templates"
)

// userError is an error an integration means for the person who asked (a
// wrong amount, a provider's refusal in plain words): the payments
// service's UserError has it. The pages cannot import the integration, so
// they recognise it by this method.
type userError interface{ UserMessage() string }

// keyedRefusal is a user error that names its words by a key with blanks,
// so a page writes it in its reader's language (payments.UserError).
type keyedRefusal interface {
	userError
	UserRefusal() (key string, args []any)
}

// moneyBlank is a blank of a refusal that is an amount of money
// (payments.Amount): written as money in the reader's language.
type moneyBlank interface{ MinorUnits() (int64, string) }

// UserMessage returns the words of a user error inside err, and false for
// any other error: a page shows those words, and a generic text for the
// rest, so nothing internal leaks to the page.
func UserMessage(err error) (string, bool) {
	var ue userError
	if errors.As(err, &ue) && ue.UserMessage() != "" {
		return ue.UserMessage(), true
	}
	return "", false
}

// UserMessageIn is UserMessage in the reader's language: when the user
// error names a key that words (the page's refusals in locale) has, those
// words with each %s filled by a blank in turn, an amount as money in
// locale; otherwise the service's own words.
func UserMessageIn(err error, locale string, words map[string]string) (string, bool) {
	msg, ok := UserMessage(err)
	if !ok {
		return "", false
	}
	var kr keyedRefusal
	if !errors.As(err, &kr) {
		return msg, true
	}
	key, args := kr.UserRefusal()
	said, found := words[key]
	if key == "" || !found || strings.Count(said, "%s") != len(args) {
		return msg, true
	}
	blanks := make([]any, len(args))
	for i, a := range args {
		if m, isMoney := a.(moneyBlank); isMoney {
			minor, currency := m.MinorUnits()
			blanks[i] = templates.MoneyText(locale, minor, currency)
		} else {
			blanks[i] = fmt.Sprint(a)
		}
	}
	return fmt.Sprintf(said, blanks...), true
}
