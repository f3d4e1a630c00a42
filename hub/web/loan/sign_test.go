package loan_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/loanpdf"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/loan"
	"naryad/hub/web/webtest"
	"naryad/templates"
)

// Signing: the PDF is drawn, kept with its SHA-256, sent to the customer
// as a document of the thread (with an outbox row), named by the loan's
// `signed` change for the DMS, which finds it by its hash; the loan keeps
// who signed, when, from where and with what; staff get a line; the page
// shows the signature and serves the PDF.
func TestSignTheAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(func(l *hub.Loan) { l.DepositMinor, l.DepositCurrency = 150000, "RUB" })
		c, page := e.open(token)
		form := signForm(page, "  Иван   Петрович Петров ", signaturePNG(t, 660, 320))
		form.Set("csrf", c.CSRF)
		req := httptest.NewRequest(http.MethodPost, c.base+"/sign", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile")
		resp, body := c.Send(req)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.base+"?ok=signed#agreement" {
			t.Fatalf("sign: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), snippet(body))
		}
		got := e.loan(l.ID)
		if !got.Signed() || got.SignedName != "Иван Петрович Петров" || got.DocumentID != form.Get("document_id") ||
			got.SignedIP == "" || got.SignedUserAgent != "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile" ||
			got.AgreementSHA256 == "" || got.AgreementMessageID == nil || !got.SignedAt.Equal(e.now) {
			t.Fatalf("signed loan %+v", got)
		}
		if got.State != hub.LoanOffered || got.IdentityStatus != hub.IdentityPending {
			t.Errorf("signing moved the loan: %s / %s", got.State, got.IdentityStatus)
		}

		// The PDF as kept: its hash, its text.
		pdf, err := os.ReadFile(e.media.Path(got.AgreementSHA256))
		if err != nil {
			t.Fatal(err)
		}
		if loanpdf.Digest(pdf) != got.AgreementSHA256 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("stored agreement: digest %s, want %s", loanpdf.Digest(pdf), got.AgreementSHA256)
		}

		// The message to the customer with the PDF.
		m, err := st.Message(ctx, *got.AgreementMessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Direction != hub.DirectionOut || m.TemplateKey != templates.KeyDocumentReady || m.Delivery != hub.DeliveryQueued ||
			!strings.Contains(m.Body, testPublicURL+"/l/"+hub.LinkMask) || strings.Contains(m.Body, token) || !strings.Contains(m.Body, e.f.Order.Number) {
			t.Errorf("message %+v", m)
		}
		// Only the outbox row, until it is sent, holds the real link.
		if item, err := st.OutboxByMessage(ctx, m.ID); err != nil || !strings.Contains(item.Body, testPublicURL+"/l/"+token) {
			t.Errorf("outbox %+v %v", item, err)
		}
		files, _ := st.Attachments(ctx, m.ID)
		if len(files) != 1 || files[0].SHA256 != got.AgreementSHA256 || files[0].ContentType != "application/pdf" ||
			files[0].DocKind != loan.DocAgreement || !strings.HasSuffix(files[0].Name, e.car.Plate+".pdf") {
			t.Errorf("attachments %+v", files)
		}
		// What the DMS's file route serves by hash.
		if a, err := st.BranchFile(ctx, []int64{e.f.Branch.ID}, got.AgreementSHA256); err != nil || a.MessageID != m.ID {
			t.Errorf("DMS file by hash: %+v %v", a, err)
		}
		// The `signed` change, naming the PDF.
		changes, _ := st.ChangesAfter(ctx, []int64{e.f.Branch.ID}, 0, 1000)
		var signed []hub.LoanData
		for _, ch := range changes {
			var d hub.LoanData
			if ch.Type == hub.ChangeLoan && json.Unmarshal([]byte(ch.Data), &d) == nil && d.Event == hub.LoanEventSigned {
				signed = append(signed, d)
			}
		}
		if len(signed) != 1 || signed[0].Agreement == nil || signed[0].Agreement.SHA256 != got.AgreementSHA256 ||
			signed[0].Agreement.URL != hub.DMSFileURL(got.AgreementSHA256) || signed[0].DocumentID != got.DocumentID {
			t.Errorf("signed changes %+v", signed)
		}
		// The staff line.
		msgs, _ := st.Messages(ctx, e.f.Thread.ID)
		lines := 0
		for _, m := range msgs {
			if m.TextKey == templates.SysLoanSigned && strings.Contains(m.Text("ru"), "Иван Петрович Петров") && strings.Contains(m.Text("ru"), got.DocumentID) {
				lines++
			}
		}
		if lines != 1 {
			t.Errorf("%d staff lines about the signature, want 1", lines)
		}

		// The page: signed, the PDF to download, no form; the step done.
		page = c.page(t)
		for _, want := range []string{"✓ Подписан: Иван Петрович Петров, 07.12.2026 11:00.", c.base + "/agreement.pdf",
			`<li class="step done"><span>Договор</span>`} {
			if !strings.Contains(page, want) {
				t.Errorf("signed page lacks %q", want)
			}
		}
		if strings.Contains(page, `id="sign-form"`) {
			t.Error("the signed page still has the signing form")
		}
		resp, body = c.Do(http.MethodGet, c.base+"/agreement.pdf", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || body != string(pdf) ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("GET agreement.pdf: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}

		text := webtest.PDFText(t, pdf)
		for _, want := range []string{"Иван Петрович Петров", e.car.Plate, got.DocumentID, e.car.VIN} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, text)
			}
		}
	})
}

// Every bad signing is refused with its reason and stores nothing: not
// offered, signed already, a changed agreement, a bad or missing name,
// no consent, a signature that is not a drawn PNG, an oversize one.
func TestSignRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, page := e.open(token)
		good := func() url.Values { return signForm(page, "Иван Петров", signaturePNG(t, 600, 200)) }
		with := func(key, value string) url.Values {
			f := good()
			if value == "\x00delete" {
				f.Del(key)
			} else {
				f.Set(key, value)
			}
			return f
		}
		blank := encodePNG(t, image.NewNRGBA(image.Rect(0, 0, 600, 200)))
		white := image.NewRGBA(image.Rect(0, 0, 600, 200))
		for i := range white.Pix {
			white.Pix[i] = 255
		}
		var gifSig bytes.Buffer
		_ = gif.Encode(&gifSig, image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black}), nil)
		huge := signaturePNG(t, 3000, 100) // wider than loanpdf takes
		sig := signaturePNG(t, 600, 200)
		oversize := append(append([]byte{}, sig...), bytes.Repeat([]byte{0}, loanpdf.MaxSignatureBytes)...)
		cases := []struct {
			what   string
			form   url.Values
			status int
			text   string
		}{
			{"no name", with("name", ""), http.StatusUnprocessableEntity, ruNameBad},
			{"spaces for a name", with("name", "   "), http.StatusUnprocessableEntity, ruNameBad},
			{"digits for a name", with("name", "12345"), http.StatusUnprocessableEntity, ruNameBad},
			{"markup for a name", with("name", "<script>alert(1)</script>"), http.StatusUnprocessableEntity, ruNameBad},
			{"one letter", with("name", "И"), http.StatusUnprocessableEntity, ruNameBad},
			{"a huge name", with("name", strings.Repeat("Иван", 2000)), http.StatusUnprocessableEntity, ruNameBad},
			{"a name with a control character", with("name", "Иван\u202eПетров"), http.StatusUnprocessableEntity, ruNameBad},
			{"NUL in the name", with("name", "Иван\x00Петров"), http.StatusBadRequest, "name"},
			{"broken UTF-8 in the name", with("name", "Иван\xff"), http.StatusBadRequest, "name"},
			{"no consent", with("consent", "\x00delete"), http.StatusUnprocessableEntity, ruConsent},
			{"consent not ticked", with("consent", "no"), http.StatusUnprocessableEntity, ruConsent},
			{"no signature", with("signature", ""), http.StatusUnprocessableEntity, ruSignBad},
			{"an empty canvas", with("signature", dataURL(blank)), http.StatusUnprocessableEntity, ruSignBad},
			{"a white canvas", with("signature", dataURL(encodePNG(t, white))), http.StatusUnprocessableEntity, ruSignBad},
			{"a GIF", with("signature", "data:image/gif;base64,"+b64(gifSig.Bytes())), http.StatusUnprocessableEntity, ruSignBad},
			{"a GIF called PNG", with("signature", dataURL(gifSig.Bytes())), http.StatusUnprocessableEntity, ruSignBad},
			{"an SVG", with("signature", "data:image/svg+xml;base64,"+b64([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))), http.StatusUnprocessableEntity, ruSignBad},
			{"HTML called PNG", with("signature", dataURL([]byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"))), http.StatusUnprocessableEntity, ruSignBad},
			{"a cut PNG", with("signature", dataURL(sig[:len(sig)/2])), http.StatusUnprocessableEntity, ruSignBad},
			{"not base64", with("signature", "data:image/png;base64,!!!!"), http.StatusUnprocessableEntity, ruSignBad},
			{"too many pixels", with("signature", dataURL(huge)), http.StatusUnprocessableEntity, ruSignBad},
			{"an oversize signature", with("signature", dataURL(oversize)), http.StatusUnprocessableEntity, ruSignBad},
			{"no agreement id", with("document_id", "\x00delete"), http.StatusConflict, ruChanged},
			{"another agreement's id", with("document_id", "LA-AAAA-BBBB-CCCC-DDDD"), http.StatusConflict, ruChanged},
		}
		before := e.snapshot(l.ID)
		for _, tc := range cases {
			tc.form.Set("csrf", c.CSRF)
			resp, body := c.Do(http.MethodPost, c.base+"/sign", tc.form)
			wantStatus(t, tc.what, resp, body, tc.status, tc.text)
			if after := e.snapshot(l.ID); after != before {
				t.Errorf("%s changed %+v → %+v", tc.what, before, after)
			}
			if tc.status == http.StatusUnprocessableEntity && tc.text != ruNameBad && !strings.Contains(body, `value="Иван Петров"`) {
				t.Errorf("%s: the refused page lost the typed name", tc.what)
			}
		}

		// The agreement changed after the page was read (staff moved the
		// return): the old id is refused, the new page's is taken.
		e.change(l.ID, func(l *hub.Loan) { l.DueBackAt = l.DueBackAt.Add(24 * time.Hour) })
		stale := good()
		stale.Set("csrf", c.CSRF)
		resp, body := c.Do(http.MethodPost, c.base+"/sign", stale)
		wantStatus(t, "a changed agreement", resp, body, http.StatusConflict, ruChanged)
		if e.loan(l.ID).Signed() {
			t.Fatal("a changed agreement was signed")
		}
		fresh := signForm(body, "Иван Петров", signaturePNG(t, 600, 200)) // the refusal's page carries the new id
		if fresh.Get("document_id") == stale.Get("document_id") {
			t.Fatal("the refusal's page shows the old agreement")
		}
		fresh.Set("csrf", c.CSRF)
		if resp, body := c.Do(http.MethodPost, c.base+"/sign", fresh); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signing the new agreement: %d\n%s", resp.StatusCode, snippet(body))
		}

		// A second signature.
		before = e.snapshot(l.ID)
		resp, body = c.Do(http.MethodPost, c.base+"/sign", fresh)
		wantStatus(t, "a second signature", resp, body, http.StatusConflict, ruSignedTwice)
		if after := e.snapshot(l.ID); after != before {
			t.Errorf("a second signature changed %+v → %+v", before, after)
		}

		// A loan no longer offered.
		w, token2 := e.offer2(t)
		c2, page2 := e.open(token2)
		e.change(w.ID, func(l *hub.Loan) { l.State = hub.LoanWithdrawn })
		form := signForm(page2, "Иван Петров", signaturePNG(t, 600, 200))
		form.Set("csrf", c2.CSRF)
		before = e.snapshot(w.ID)
		resp, body = c2.Do(http.MethodPost, c2.base+"/sign", form)
		wantStatus(t, "a withdrawn loan", resp, body, http.StatusConflict, ruNotOffered)
		if after := e.snapshot(w.ID); after != before {
			t.Errorf("signing a withdrawn loan changed %+v → %+v", before, after)
		}
	})
}

// offer2 offers a second car (the first is promised to the first loan).
func (e *env) offer2(t *testing.T) (hub.Loan, string) {
	t.Helper()
	car := hub.CourtesyCar{BranchID: e.f.Branch.ID, Plate: "В 456 ОР 99", Model: "Kia Rio", Fuel: hub.FuelPetrol}
	if err := e.st.AddCourtesyCar(context.Background(), &car); err != nil {
		t.Fatal(err)
	}
	return e.offer(func(l *hub.Loan) { l.CarID = car.ID })
}

// Fifteen identical signings at once (a phone resending, a double tap):
// one signature, one PDF, one message, one change; the others are told
// it is signed.
func TestFifteenSigningsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		e := newEnv(t, st)
		l, token := e.offer(nil)
		c, page := e.open(token)
		form := signForm(page, "Иван Петров", signaturePNG(t, 600, 200))
		form.Set("csrf", c.CSRF)
		before := e.snapshot(l.ID)
		var reqs []*http.Request
		for range 15 {
			req := httptest.NewRequest(http.MethodPost, c.base+"/sign", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			c.AddCookies(req)
			reqs = append(reqs, req)
		}
		statuses := e.sendAll(reqs)
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusSeeOther:
				ok++
			case http.StatusConflict:
			default:
				t.Errorf("a signing at once: %d, want 303 or 409", s)
			}
		}
		if ok != 1 {
			t.Errorf("%d signings taken, want 1 (statuses %v)", ok, statuses)
		}
		after := e.snapshot(l.ID)
		// One document message and one staff line; one `signed` change.
		if after.messages-before.messages != 2 || after.changes-before.changes != 1 {
			t.Errorf("messages +%d (want 2), changes +%d (want 1)", after.messages-before.messages, after.changes-before.changes)
		}
		got := e.loan(l.ID)
		msgs, _ := st.Messages(ctx, e.f.Thread.ID)
		docs := 0
		for _, m := range msgs {
			files, _ := st.Attachments(ctx, m.ID)
			for _, f := range files {
				if f.DocKind == loan.DocAgreement {
					docs++
					if f.SHA256 != got.AgreementSHA256 || m.ID != *got.AgreementMessageID {
						t.Errorf("agreement %+v of message %d is not the loan's", f, m.ID)
					}
				}
			}
		}
		if docs != 1 {
			t.Errorf("%d agreement PDFs sent, want 1", docs)
		}
	})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
