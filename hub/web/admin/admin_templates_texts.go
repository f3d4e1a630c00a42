package admin

// previewTexts are the sample words the template page's preview fills a
// default text with (a work order's line, a message, a document), in the
// admin's language, and its words when a default cannot be previewed.
var previewTexts = map[string]map[string]string{
	"ru": {
		"line": "Тормозные колодки", "text": "Ваш автомобиль готов.", "document": "Счёт",
		"failed": "(текст по умолчанию не удаётся показать: %s)",
	},
	"pl": {
		"line": "Klocki hamulcowe", "text": "Twój samochód jest gotowy.", "document": "Faktura",
		"failed": "(nie można pokazać tekstu domyślnego: %s)",
	},
	"en": {
		"line": "Brake pads", "text": "Your car is ready.", "document": "Invoice",
		"failed": "(the default text cannot be previewed: %s)",
	},
}
