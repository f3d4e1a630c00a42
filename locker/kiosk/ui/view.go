package ui

import "html/template"

// keypadView is the on-screen keypad of one form.
type keypadView struct {
	T    map[string]string
	Form string // the id of the form its OK submits
}

// viewFuncs are the helpers views may call.
var viewFuncs = template.FuncMap{
	"keypad": func(t map[string]string, form string) keypadView { return keypadView{T: t, Form: form} },
}
