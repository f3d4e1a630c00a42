package templates

import "strings"

// The words of a digital inspection that every surface shows the same
// way (the mechanic's page, the advisor's card, the customer's report, the
// PDF): one table, so the customer never reads "Срочно" on the page and
// "Требует ремонта" in the PDF for the same item.

// inspectionWords: per locale, per state ("green", "yellow", "red", ""),
// the short word of a button or badge and the heading of a report group.
var inspectionWords = map[string]map[string][2]string{
	"ru": {"red": {"Срочно", "Нужен ремонт сейчас"}, "yellow": {"Скоро", "Скоро понадобится внимание"},
		"green": {"В порядке", "В порядке"}, "": {"Не осмотрено", "Не осмотрено"}},
	"pl": {"red": {"Pilne", "Wymaga naprawy teraz"}, "yellow": {"Wkrótce", "Wkrótce wymaga uwagi"},
		"green": {"W porządku", "W porządku"}, "": {"Nie sprawdzono", "Nie sprawdzono"}},
	"en": {"red": {"Urgent", "Needs work now"}, "yellow": {"Soon", "Needs attention soon"},
		"green": {"OK", "Fine"}, "": {"Not checked", "Not checked"}},
}

// StateWord is an item state's short word in locale ("Срочно").
func StateWord(locale, state string) string {
	return inspectionWords[NormalizeLocale(locale)][state][0]
}

// StateHeading is the heading of a report's group of items in a state
// ("Нужен ремонт сейчас").
func StateHeading(locale, state string) string {
	return inspectionWords[NormalizeLocale(locale)][state][1]
}

// unitWords are the checklist's units as each language writes them; a
// unit not listed (an admin's own) is shown as typed.
var unitWords = map[string]map[string]string{
	"ru": {"mm": "мм", "bar": "бар", "V": "В", "°C": "°C", "%": "%", "km": "км"},
	"pl": {"mm": "mm", "bar": "bar", "V": "V", "°C": "°C", "%": "%", "km": "km"},
	"en": {"mm": "mm", "bar": "bar", "V": "V", "°C": "°C", "%": "%", "km": "km"},
}

// Unit is a measurement's unit as locale writes it ("mm" → "мм" in ru).
func Unit(locale, unit string) string {
	if w, ok := unitWords[NormalizeLocale(locale)][unit]; ok {
		return w
	}
	return unit
}

// Measurement writes a stored measurement ("4.5", "mm") the locale's way:
// "4,5 мм" in ru, "4,5 mm" in pl, "4.5 mm" in en, with a no-break space
// so a narrow screen never splits it; "" when there is no value.
func Measurement(locale, value, unit string) string {
	if value == "" {
		return ""
	}
	locale = NormalizeLocale(locale)
	if locale != "en" {
		value = strings.ReplaceAll(value, ".", ",")
	}
	if unit == "" {
		return value
	}
	return value + "\u00a0" + Unit(locale, unit)
}
