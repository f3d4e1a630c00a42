package identity

import (
	"fmt"

	"naryad/hub"
	"naryad/hub/web/loan"
	"naryad/templates"
)

// The customer's words: why a start of the check did not lead to the
// provider's page (StartCheck's *UserError), and the messages sent on
// their channel when the check's outcome arrives. In the loan's language.

// customerProblem is why StartCheck gives no page.
type customerProblem int

const (
	problemNotNeeded    customerProblem = iota // verified, being checked, or the loan moved on: wraps loan.ErrNotReady
	problemUnavailable                         // the branch's online check is not set up, or the provider refuses for good
	problemProviderDown                        // the provider does not answer: later may work
	problemTryAgain                            // a race that did not settle
)

var problemTexts = map[customerProblem]map[string]string{
	problemNotNeeded: {
		templates.LocaleRU: "Проверка личности сейчас не требует ваших действий.",
		templates.LocalePL: "Weryfikacja tożsamości nie wymaga teraz Twoich działań.",
		templates.LocaleEN: "The identity check needs nothing from you right now.",
	},
	problemUnavailable: {
		templates.LocaleRU: "Онлайн-проверка личности сейчас недоступна. Пожалуйста, обратитесь в сервис.",
		templates.LocalePL: "Weryfikacja tożsamości online jest teraz niedostępna. Skontaktuj się z serwisem.",
		templates.LocaleEN: "The online identity check is not available right now. Please contact the service centre.",
	},
	problemProviderDown: {
		templates.LocaleRU: "Сервис проверки личности не отвечает, попробуйте через несколько минут.",
		templates.LocalePL: "Serwis weryfikacji tożsamości nie odpowiada, spróbuj za kilka minut.",
		templates.LocaleEN: "The identity service does not answer, please try again in a few minutes.",
	},
	problemTryAgain: {
		templates.LocaleRU: "Не удалось начать проверку личности, попробуйте ещё раз.",
		templates.LocalePL: "Nie udało się rozpocząć weryfikacji tożsamości, spróbuj ponownie.",
		templates.LocaleEN: "The identity check could not be started, please try again.",
	},
}

func (p customerProblem) Error() string { return problemTexts[p][templates.LocaleEN] }

// userError is the problem as the customer reads it.
func (p customerProblem) userError(locale string) *UserError {
	e := &UserError{Msg: problemTexts[p][templates.NormalizeLocale(locale)], wrapped: p}
	switch p {
	case problemNotNeeded:
		e.wrapped = fmt.Errorf("%w: %w", p, loan.ErrNotReady)
	case problemUnavailable:
		e.wrapped = fmt.Errorf("%w: %w", p, loan.ErrIdentityUnavailable)
	}
	return e
}

// Template keys of the customer's messages (hub.Message.TemplateKey: an
// automatic message, which leaves the thread's reply clocks alone).
const (
	msgVerified = "loan.identity.verified"
	msgFailed   = "loan.identity.failed"
)

// The customer cannot be sent their loan link again (only its hash is
// stored), so the messages send them back to "the link we sent you" and
// say what comes next there.
var verifiedTexts = map[string]map[string]string{
	"sign": {
		templates.LocaleRU: "%s: ваша личность подтверждена. Чтобы продолжить, откройте ссылку на подменный автомобиль, которую мы вам прислали, и подпишите договор.",
		templates.LocalePL: "%s: Twoja tożsamość została potwierdzona. Aby kontynuować, otwórz link do samochodu zastępczego, który Ci wysłaliśmy, i podpisz umowę.",
		templates.LocaleEN: "%s: your identity is confirmed. To continue, open the courtesy car link we sent you and sign the agreement.",
	},
	"deposit": {
		templates.LocaleRU: "%s: ваша личность подтверждена. Чтобы продолжить, откройте ссылку на подменный автомобиль, которую мы вам прислали, и внесите залог.",
		templates.LocalePL: "%s: Twoja tożsamość została potwierdzona. Aby kontynuować, otwórz link do samochodu zastępczego, który Ci wysłaliśmy, i wpłać kaucję.",
		templates.LocaleEN: "%s: your identity is confirmed. To continue, open the courtesy car link we sent you and leave the deposit.",
	},
	"key": {
		templates.LocaleRU: "%s: ваша личность подтверждена. Откройте ссылку на подменный автомобиль, которую мы вам прислали, чтобы получить ключ.",
		templates.LocalePL: "%s: Twoja tożsamość została potwierdzona. Otwórz link do samochodu zastępczego, który Ci wysłaliśmy, aby odebrać kluczyk.",
		templates.LocaleEN: "%s: your identity is confirmed. Open the courtesy car link we sent you to get the key.",
	},
}

var failedTexts = map[string]string{
	templates.LocaleRU: "%s: проверка личности не прошла%s. Можно попробовать ещё раз: откройте ссылку на подменный автомобиль, которую мы вам прислали.",
	templates.LocalePL: "%s: weryfikacja tożsamości nie powiodła się%s. Możesz spróbować ponownie: otwórz link do samochodu zastępczego, który Ci wysłaliśmy.",
	templates.LocaleEN: "%s: the identity check did not succeed%s. You can try again: open the courtesy car link we sent you.",
}

// reasonTexts word the provider's most common reasons for a failed try
// (Stripe's last_error codes); another code is left out of the message.
var reasonTexts = map[string]map[string]string{
	"document_expired": {
		templates.LocaleRU: "срок действия документа истёк", templates.LocalePL: "dokument stracił ważność",
		templates.LocaleEN: "the document has expired"},
	"document_type_not_supported": {
		templates.LocaleRU: "этот вид документа не принимается", templates.LocalePL: "ten rodzaj dokumentu nie jest akceptowany",
		templates.LocaleEN: "this kind of document is not accepted"},
	"document_unverified_other": {
		templates.LocaleRU: "документ не удалось проверить", templates.LocalePL: "nie udało się zweryfikować dokumentu",
		templates.LocaleEN: "the document could not be verified"},
	"selfie_face_mismatch": {
		templates.LocaleRU: "лицо на селфи не совпадает с фото в документе", templates.LocalePL: "twarz na selfie nie pasuje do zdjęcia w dokumencie",
		templates.LocaleEN: "the selfie does not match the photo in the document"},
	"selfie_document_missing_photo": {
		templates.LocaleRU: "на документе не найдено фото", templates.LocalePL: "na dokumencie nie znaleziono zdjęcia",
		templates.LocaleEN: "no photo was found on the document"},
	"selfie_manipulated": {
		templates.LocaleRU: "селфи не удалось проверить", templates.LocalePL: "nie udało się zweryfikować selfie",
		templates.LocaleEN: "the selfie could not be verified"},
	"selfie_unverified_other": {
		templates.LocaleRU: "селфи не удалось проверить", templates.LocalePL: "nie udało się zweryfikować selfie",
		templates.LocaleEN: "the selfie could not be verified"},
	"consent_declined": {
		templates.LocaleRU: "не дано согласие на проверку", templates.LocalePL: "nie wyrażono zgody na weryfikację",
		templates.LocaleEN: "consent to the check was not given"},
	"under_supported_age": {
		templates.LocaleRU: "возраст ниже допустимого", templates.LocalePL: "wiek poniżej wymaganego",
		templates.LocaleEN: "the age is below the minimum"},
	"country_not_supported": {
		templates.LocaleRU: "документы этой страны не принимаются", templates.LocalePL: "dokumenty z tego kraju nie są akceptowane",
		templates.LocaleEN: "documents of this country are not accepted"},
	"device_not_supported": {
		templates.LocaleRU: "устройство не поддерживается, попробуйте с другого телефона", templates.LocalePL: "urządzenie nie jest obsługiwane, spróbuj na innym telefonie",
		templates.LocaleEN: "the device is not supported, try another phone"},
	"abandoned": {
		templates.LocaleRU: "проверка не была завершена", templates.LocalePL: "weryfikacja nie została dokończona",
		templates.LocaleEN: "the check was not finished"},
}

// verifiedMessage is the customer's message once the check is verified,
// naming the next step the loan waits for.
func verifiedMessage(l hub.Loan, branchName string) string {
	step := "key"
	switch {
	case !l.Signed():
		step = "sign"
	case !l.DepositSettled():
		step = "deposit"
	}
	return fmt.Sprintf(verifiedTexts[step][templates.NormalizeLocale(l.Locale)], branchName)
}

// failedMessage is the customer's message when a try failed (or the
// verification was canceled): they may start again from their link.
func failedMessage(l hub.Loan, branchName, code string) string {
	locale := templates.NormalizeLocale(l.Locale)
	reason := ""
	if r := reasonTexts[code][locale]; r != "" {
		reason = ": " + r
	}
	return fmt.Sprintf(failedTexts[locale], branchName, reason)
}
