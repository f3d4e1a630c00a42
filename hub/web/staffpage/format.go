package staffpage

import (
	"html/template"
	"time"

	"naryad/hub"
	"naryad/templates"
)

// formatFuncs are the locale formatting functions every staff view may
// call; the locale comes first because views are parsed once for all
// languages (pass the Frame's: {{money $.Frame.Locale .TotalMinor "RUB"}}).
//
//	money LOCALE MINOR CURRENCY  "1 500,50 ₽" (ru, pl) / "₽1,500.50" (en); minor units of an ISO code
//	qty LOCALE MILLI             a quantity in thousandths: "1,5" (ru, pl) / "1.5" (en)
//	date LOCALE TIME             "07.12.2026" (ru, pl) / "7 Dec 2026" (en), in the time's zone
//	datetime LOCALE TIME         "07.12.2026 10:30" / "7 Dec 2026, 10:30"; a *time.Time nil is ""
//	phone E164                   "+7 916 123-45-67"
//
// They are the templates package's (so a page reads like the customer's
// SMS) and hub.DisplayPhone. A surface's own Funcs of the same name win.
func formatFuncs() template.FuncMap {
	return template.FuncMap{
		"money": templates.MoneyText,
		"qty":   templates.Quantity,
		"date": func(locale string, t any) string {
			return templates.Date(locale, timeOf(t))
		},
		"datetime": func(locale string, t any) string {
			return templates.DateTime(locale, timeOf(t))
		},
		"phone": hub.DisplayPhone,
	}
}

// timeOf takes a time.Time or a *time.Time (nil: the zero time, shown as
// ""), as the store's optional times are pointers.
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}
