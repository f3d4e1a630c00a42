package forminput

import (
	"cmp"
	"naryad/render"
)

// texts are the answer to refused input; {field} is the field's name.
var texts = map[string]string{
	"ru": "Неверный запрос: в поле «{field}» есть нулевой символ или байты, которые не являются текстом UTF-8. Уберите их и попробуйте ещё раз.",
	"pl": "Błędne żądanie: pole «{field}» zawiera znak NUL lub bajty, które nie są tekstem UTF-8. Usuń je i spróbuj ponownie.",
	"en": "Bad request: the field «{field}» has a NUL character or bytes that are not UTF-8 text. Remove them and try again.",
}

// pickLocale takes the first language of Accept-Language there are texts
// for, else English.
func pickLocale(acceptLanguage string) string {
	return cmp.Or(render.AcceptLanguage(acceptLanguage, func(l string) bool { return texts[l] != "" }), "en")
}
