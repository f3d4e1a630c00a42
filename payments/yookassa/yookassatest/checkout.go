package yookassatest

import (
	"html/template"
	"net/http"
)

// The fake's hosted page, where confirmation_url leads: a browser test (or
// an HTTP one following the redirect) pays or abandons the payment there
// and is sent back to the return_url, as from YooKassa's page.
var checkoutTemplate = template.Must(template.New("checkout").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>YooKassa (fake)</title></head>
<body>
<h1>{{.Amount.Value}} {{.Amount.Currency}}</h1>
<p>{{.Description}}</p>
{{if eq .Status "pending"}}
<form method="post"><input type="hidden" name="orderId" value="{{.ID}}">
<select name="method"><option value="bank_card">bank_card</option><option value="sbp">sbp</option><option value="sberbank">sberbank</option></select>
<button name="action" value="pay" id="pay">Pay</button>
<button name="action" value="cancel" id="cancel">Cancel</button>
</form>
{{else}}<p id="status">{{.Status}}</p>{{end}}
</body></html>`))

func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.Payment(r.URL.Query().Get("orderId"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = checkoutTemplate.Execute(w, p)
}

// checkoutAction is the customer pressing Pay (form field method) or
// Cancel, then returning to the shop.
func (s *Server) checkoutAction(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("orderId")
	if id == "" {
		id = r.URL.Query().Get("orderId")
	}
	var err error
	if r.FormValue("action") == "cancel" {
		err = s.expire(id)
	} else {
		err = s.pay(id, r.FormValue("method"), false)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	p, _ := s.Payment(id)
	http.Redirect(w, r, p.ReturnURL, http.StatusSeeOther)
}
