package inspectionpdf

import (
	"naryad/hub"
	"naryad/templates"
)

// Texts are the report's fixed words in one language.
type Texts struct {
	Locale      string // the language of these words: ru, pl or en
	Title       string
	WorkOrder   string
	Vehicle     string
	VIN         string
	Date        string
	Phone       string
	Mechanic    string
	NoItems     string
	Decisions   string
	Approved    string
	Declined    string
	Undecided   string
	Total       string
	TotalNotice string
	Page        string // "Page %d of %s"
}

// TextsFor gives the report's words in locale (ru, pl or en), Russian for
// any other: a function rather than a package-level map, so no caller can
// change them for everyone.
func TextsFor(locale string) Texts {
	switch locale {
	case "pl":
		return Texts{
			Locale: "pl", Title: "Raport z przeglądu pojazdu", WorkOrder: "Zlecenie", Vehicle: "Pojazd", VIN: "VIN",
			Date: "Data", Phone: "Tel.", Mechanic: "Mechanik",
			NoItems: "Brak sprawdzonych pozycji.", Decisions: "Decyzje klienta", Approved: "zaakceptowano",
			Declined: "odrzucono", Undecided: "bez decyzji", Total: "Suma po decyzjach",
			TotalNotice: "Serwis potwierdzi ostateczną kwotę.", Page: "Strona %d z %s",
		}
	case "en":
		return Texts{
			Locale: "en", Title: "Vehicle inspection report", WorkOrder: "Work order", Vehicle: "Vehicle", VIN: "VIN",
			Date: "Date", Phone: "Phone", Mechanic: "Mechanic",
			NoItems: "No items were checked.", Decisions: "Customer's decisions", Approved: "approved",
			Declined: "declined", Undecided: "not decided", Total: "Total after decisions",
			TotalNotice: "The service will confirm the final sum.", Page: "Page %d of %s",
		}
	}
	return Texts{
		Locale: "ru", Title: "Отчёт об осмотре автомобиля", WorkOrder: "Заказ-наряд", Vehicle: "Автомобиль", VIN: "VIN",
		Date: "Дата", Phone: "Тел.", Mechanic: "Механик",
		NoItems: "Проверенных пунктов нет.", Decisions: "Решения клиента", Approved: "согласовано",
		Declined: "отказано", Undecided: "без решения", Total: "Итого после решений",
		TotalNotice: "Окончательную сумму подтвердит сервис.", Page: "Страница %d из %s",
	}
}

// stateTitle is the heading of a state's group, the same words as the
// customer's page (templates.StateHeading).
func (t Texts) stateTitle(state string) string { return templates.StateHeading(t.Locale, state) }

// decision is a line's decision in words.
func (t Texts) decision(d string) string {
	switch d {
	case hub.DecisionApproved:
		return t.Approved
	case hub.DecisionDeclined:
		return t.Declined
	}
	return t.Undecided
}
