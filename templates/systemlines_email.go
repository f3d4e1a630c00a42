package templates

// System lines of e-mail coming back (issue 21, email/inbound): what a
// reply left out, and a bounce that did not fail the message.
const (
	// SysEmailFilesRefused follows a customer's e-mail reply whose
	// attachments were not all kept: {files} names them.
	SysEmailFilesRefused = "email.files_refused"
	// SysEmailDelayed is a soft bounce (Status 4.x.x, Action delayed):
	// the e-mail is not failed, staff only learn it is late.
	SysEmailDelayed = "email.delayed"
)

// emailLines join the catalog (systemLines) when the package loads, kept
// in their own file so each part of issue 21 adds its lines without
// editing the others'.
var emailLines = map[string]map[string]string{
	SysEmailFilesRefused: {
		LocaleRU: "Из письма клиента не сохранены вложения: {files}. Принимаются только фото (JPEG, PNG, HEIC) и PDF до допустимого размера.",
		LocalePL: "Z e-maila klienta nie zapisano załączników: {files}. Przyjmowane są tylko zdjęcia (JPEG, PNG, HEIC) i PDF w dozwolonym rozmiarze.",
		LocaleEN: "Attachments of the customer's e-mail not kept: {files}. Only photos (JPEG, PNG, HEIC) and PDFs within the size limit are accepted.",
	},
	SysEmailDelayed: {
		LocaleRU: "Письмо на {address} пока не доставлено, почтовый сервер пробует ещё[: {reason}].",
		LocalePL: "E-mail do {address} nie został jeszcze doręczony, serwer poczty próbuje dalej[: {reason}].",
		LocaleEN: "The e-mail to {address} is not delivered yet; the mail server keeps trying[: {reason}].",
	},
}

func init() {
	for k, w := range emailLines {
		systemLines[k] = w
	}
}
