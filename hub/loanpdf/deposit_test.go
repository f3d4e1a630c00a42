package loanpdf

import (
	"strings"
	"testing"
)

// The deposit clause names how the deposit is taken: a desk branch's
// agreement says it is paid at the service desk and never that it is held
// on the card, a card branch's the other way round, in every language.
func TestRenderDepositClauseDeskOrCard(t *testing.T) {
	card := map[string]string{"ru": "блокировка на карте", "pl": "blokada na karcie", "en": "held on the card"}
	desk := map[string]string{"ru": "вносится на стойке сервиса", "pl": "wpłacana w recepcji serwisu", "en": "paid at the service desk"}
	for _, locale := range []string{"ru", "pl", "en"} {
		t.Run(locale, func(t *testing.T) {
			a := sample(t)
			a.Deposit.AtDesk = true
			text := flat(pdfToText(t, mustRender(t, a, locale)))
			wantText(t, text, desk[locale], "500")
			if strings.Contains(text, card[locale]) {
				t.Errorf("a desk deposit's agreement says %q:\n%s", card[locale], text)
			}

			a.Deposit.AtDesk = false
			text = flat(pdfToText(t, mustRender(t, a, locale)))
			wantText(t, text, card[locale])
			if strings.Contains(text, desk[locale]) {
				t.Errorf("a card hold's agreement says %q:\n%s", desk[locale], text)
			}
		})
	}
}

// A card hold's agreement keeps the document id it had before the clause
// could say "at the desk" (an offer made before and not yet signed stays
// signable); a desk one's id differs from it, so a page read before the
// change is refused as agreement_changed and shows the new text.
func TestDocumentIDDepositAtDesk(t *testing.T) {
	a := sample(t)
	// The ids of sample() as the code before Deposit.AtDesk computed them.
	before := map[string]string{"ru": "LA-POT4-4EUV-G34M-JDOF", "pl": "LA-3JER-RIWU-B6BO-US7P", "en": "LA-BQCZ-LABT-7OPE-UMRQ"}
	for locale, id := range before {
		if got := DocumentID(a, locale); got != id {
			t.Errorf("%s: a card hold's id is %s, was %s", locale, got, id)
		}
		desk := a
		desk.Deposit = &Deposit{Minor: a.Deposit.Minor, Currency: a.Deposit.Currency, AtDesk: true}
		if DocumentID(desk, locale) == id {
			t.Errorf("%s: a desk deposit keeps the card hold's id", locale)
		}
	}
}

func TestDepositText(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en"} {
		tx := TextsFor(locale)
		if strings.Count(tx.DepositDesk, "%s") != 1 {
			t.Errorf("%s: verbs in %q", locale, tx.DepositDesk)
		}
		if DepositText(nil, locale) != tx.NoDeposit {
			t.Errorf("%s: no deposit says %q", locale, DepositText(nil, locale))
		}
	}
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
