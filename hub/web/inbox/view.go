package inbox

import "html/template"

var viewFuncs = template.FuncMap{
	// snippet shortens a message body for the list.
	"snippet": func(s string) string {
		r := []rune(s)
		if len(r) <= 90 {
			return s
		}
		return string(r[:90]) + "…"
	},
}
