package payments

import (
	"fmt"

	"naryad/hub"
	"naryad/templates"
)

// The courtesy-car deposit's words for the customer, in ru, pl and en:
// why their press of the deposit button made no hold (StartHold's
// refusals), what the provider's page calls the hold, and the messages
// on their channel when the deposit is settled at the return.

// depositProblem is why a customer's press of the deposit button did not
// lead to the provider's page; StartHold turns it into a *UserError in the
// loan's language.
type depositProblem int

const (
	depositNotAsked depositProblem = iota
	depositHeldAlready
	depositClosed
	depositNotOnline
)

var depositProblemTexts = map[depositProblem]map[string]string{
	depositNotAsked: {
		templates.LocaleRU: "Для этого автомобиля залог не нужен.",
		templates.LocalePL: "Ten samochód nie wymaga kaucji.",
		templates.LocaleEN: "This car needs no deposit.",
	},
	depositHeldAlready: {
		templates.LocaleRU: "Залог уже заблокирован на вашей карте.",
		templates.LocalePL: "Kaucja jest już zablokowana na Twojej karcie.",
		templates.LocaleEN: "Your deposit is already held on your card.",
	},
	depositClosed: {
		templates.LocaleRU: "Залог за этот автомобиль больше не принимается.",
		templates.LocalePL: "Kaucja za ten samochód nie jest już przyjmowana.",
		templates.LocaleEN: "This car no longer takes a deposit.",
	},
	depositNotOnline: {
		templates.LocaleRU: "Этот филиал не принимает залог онлайн: оставьте его на стойке.",
		templates.LocalePL: "Ten oddział nie przyjmuje kaucji online: wpłać ją na miejscu.",
		templates.LocaleEN: "This branch does not take the deposit online: please leave it at the desk.",
	},
}

func (p depositProblem) Error() string { return p.in(templates.LocaleEN) }

func (p depositProblem) in(locale string) string {
	return depositProblemTexts[p][templates.NormalizeLocale(locale)]
}

// depositDescription names the hold on the provider's page and its
// receipt: "Залог за подменный автомобиль А 123 ВС 77".
func depositDescription(locale, plate string) string {
	var d string
	switch templates.NormalizeLocale(locale) {
	case templates.LocaleRU:
		d = "Залог за подменный автомобиль " + plate
	case templates.LocalePL:
		d = "Kaucja za samochód zastępczy " + plate
	default:
		d = "Courtesy car deposit " + plate
	}
	return hub.TruncateRunes(d, 128)
}

// depositMessages are the customer's messages when the deposit is
// settled: each %s in turn is the branch's name, the amount held, the car's
// plate and (taken in part) the amount taken.
var depositMessages = map[string]map[string]string{
	"released": {
		templates.LocaleRU: "%s: блокировка залога %s за подменный автомобиль %s снята, деньги снова доступны на вашей карте.",
		templates.LocalePL: "%s: blokada kaucji %s za samochód zastępczy %s została zdjęta, środki są znów dostępne na Twojej karcie.",
		templates.LocaleEN: "%s: the %s deposit hold for courtesy car %s is released; the money is available on your card again.",
	},
	"taken": {
		templates.LocaleRU: "%s: залог %s за подменный автомобиль %s удержан полностью.",
		templates.LocalePL: "%s: kaucja %s za samochód zastępczy %s została pobrana w całości.",
		templates.LocaleEN: "%s: the %s deposit for courtesy car %s has been taken in full.",
	},
	"taken_part": {
		templates.LocaleRU: "%s: из залога %s за подменный автомобиль %s удержано %s, остальное снова доступно на вашей карте.",
		templates.LocalePL: "%s: z kaucji %s za samochód zastępczy %s pobrano %s, reszta jest znów dostępna na Twojej karcie.",
		templates.LocaleEN: "%s: of the %s deposit for courtesy car %s, %s has been taken; the rest is available on your card again.",
	},
}

// depositMessage words the customer's message of a settled deposit in
// their language: taken 0 is a release.
func depositMessage(locale, branch, plate string, held, taken int64, currency string) string {
	locale = templates.NormalizeLocale(locale)
	m := func(v int64) string { return templates.MoneyText(locale, v, currency) }
	switch {
	case taken == 0:
		return fmt.Sprintf(depositMessages["released"][locale], branch, m(held), plate)
	case taken >= held:
		return fmt.Sprintf(depositMessages["taken"][locale], branch, m(held), plate)
	default:
		return fmt.Sprintf(depositMessages["taken_part"][locale], branch, m(held), plate, m(taken))
	}
}
