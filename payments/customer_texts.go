package payments

import (
	"context"

	"naryad/templates"
)

// customerProblem is why a customer's press of the pay button did not lead
// to a payment page; Start turns it into a *UserError in the customer's
// language, which the page shows.
type customerProblem int

const (
	problemNotOffered customerProblem = iota
	problemNotAvailable
	problemNothingDue
	problemRequestClosed
	problemProviderDown
	problemTryAgain
)

var customerTexts = map[customerProblem]map[string]string{
	problemNotOffered: {
		templates.LocaleRU: "Эта оплата недоступна.",
		templates.LocalePL: "Ta płatność nie jest dostępna.",
		templates.LocaleEN: "This payment is not offered.",
	},
	problemNotAvailable: {
		templates.LocaleRU: "Онлайн-оплата для этого заказа недоступна.",
		templates.LocalePL: "Płatność online nie jest dostępna dla tego zlecenia.",
		templates.LocaleEN: "Online payment is not available for this order.",
	},
	problemNothingDue: {
		templates.LocaleRU: "По этому заказу нечего оплачивать.",
		templates.LocalePL: "Za to zlecenie nie ma nic do zapłaty.",
		templates.LocaleEN: "Nothing is due for this order.",
	},
	problemRequestClosed: {
		templates.LocaleRU: "Этот запрос на оплату уже закрыт.",
		templates.LocalePL: "Ta prośba o płatność jest już zamknięta.",
		templates.LocaleEN: "This payment request is no longer open.",
	},
	problemProviderDown: {
		templates.LocaleRU: "Платёжный сервис не отвечает, попробуйте через несколько минут.",
		templates.LocalePL: "Serwis płatności nie odpowiada, spróbuj za kilka minut.",
		templates.LocaleEN: "The payment service does not answer, please try again in a few minutes.",
	},
	problemTryAgain: {
		templates.LocaleRU: "Не удалось начать оплату, попробуйте ещё раз.",
		templates.LocalePL: "Nie udało się rozpocząć płatności, spróbuj ponownie.",
		templates.LocaleEN: "The payment could not be started, please try again.",
	},
}

func (p customerProblem) Error() string { return p.in(templates.LocaleEN) }

func (p customerProblem) in(locale string) string {
	return customerTexts[p][templates.NormalizeLocale(locale)]
}

// threadLocale is the language the customer of a thread reads: theirs, or
// their branch's.
func (s *Service) threadLocale(ctx context.Context, threadID int64) string {
	t, err := s.store.Thread(ctx, threadID)
	if err != nil {
		return templates.FallbackLocale
	}
	b, err := s.store.Branch(ctx, t.BranchID)
	if err != nil {
		return templates.FallbackLocale
	}
	if t.CustomerID != nil {
		if c, err := s.store.Customer(ctx, *t.CustomerID); err == nil && c.Locale != "" {
			return c.Locale
		}
	}
	return b.Locale
}
