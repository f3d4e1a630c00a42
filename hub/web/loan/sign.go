package loan

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/png"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/loanpdf"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/templates"
)

var errSignedAlready = errors.New("the agreement is signed already")

// sign is POST /l/<token>/sign: the customer's typed name, drawn
// signature and consent tick. It renders the signed PDF and, in one
// transaction, sends it to the customer as a document of the thread (so
// the DMS can fetch it by its hash), records the signature on the loan
// (its `signed` change names the PDF) and tells staff. Anything wrong
// stores nothing and shows the page again with why (403, 409 or 422);
// a second signature, or one of an agreement that changed since the page
// was read, is refused.
func (h *Handler) sign(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		form := signForm{Name: strings.TrimSpace(hub.TruncateRunes(c.FormValue("name"), loanpdf.MaxName)), Consent: c.FormValue("consent") == "yes"}
		refuse := func(status int, key string) error { return h.refuse(c, v, status, key, form) }
		if conflict := signConflict(v.loan, c.FormValue("document_id"), ""); conflict != "" {
			return refuse(fiber.StatusConflict, conflict)
		}
		name, ok := cleanName(c.FormValue("name"))
		if !ok {
			return refuse(fiber.StatusUnprocessableEntity, "name_bad")
		}
		if !form.Consent {
			return refuse(fiber.StatusUnprocessableEntity, "consent_missing")
		}
		signature, ok := signaturePNG(c.FormValue("signature"))
		if !ok {
			return refuse(fiber.StatusUnprocessableEntity, "signature_bad")
		}
		s := signing{name: name, png: signature, documentID: c.FormValue("document_id"),
			ip: c.IP(), userAgent: cleanUserAgent(c.Get(fiber.HeaderUserAgent)), pageURL: h.publicBase(c) + v.base}
		var err error
		for range 3 { // the loan changed under the signing (a webhook, staff): read it again and retry
			if err = h.signOnce(ctx, v.loan.ID, s); !errors.Is(err, store.ErrLoanChanged) {
				break
			}
		}
		var conflict signRefused
		switch {
		case errors.As(err, &conflict):
			return refuse(conflict.status, conflict.key)
		case errors.Is(err, store.ErrLoanChanged):
			return refuse(fiber.StatusConflict, "busy")
		case err != nil:
			return h.internal(c, "sign agreement", err)
		}
		if h.queued != nil {
			h.queued()
		}
		return c.Redirect(v.base+"?ok=signed#agreement", fiber.StatusSeeOther)
	})
}

// signing is one customer's signature as posted.
type signing struct {
	name, documentID, ip, userAgent string
	png                             []byte
	pageURL                         string // the loan page, linked from the message with the PDF
}

// signRefused is a signing the page refuses, with its status and text.
type signRefused struct {
	status int
	key    string
}

func (e signRefused) Error() string { return "signing refused: " + e.key }

// signConflict is why a loan cannot take this signature now ("" when it
// can): it is no longer offered, it is signed, or the agreement posted is
// not the current one (current: its DocumentID, "" to skip the check).
func signConflict(l hub.Loan, posted, current string) string {
	switch {
	case l.Signed():
		return "signed_already"
	case l.State != hub.LoanOffered:
		return "not_offered"
	case current != "" && posted != current:
		return "agreement_changed"
	}
	return ""
}

// signOnce reads the loan, checks the posted agreement against it, draws
// the PDF and stores it all in one transaction. store.ErrLoanChanged: the
// loan changed since it was read (it is read again).
func (h *Handler) signOnce(ctx context.Context, loanID int64, s signing) error {
	l, err := h.store.Loan(ctx, loanID)
	if err != nil {
		return err
	}
	d, err := h.loadAgreement(ctx, l)
	if err != nil {
		return err
	}
	locale := loanLocale(l.Locale)
	if conflict := signConflict(l, s.documentID, loanpdf.DocumentID(d.doc, locale)); conflict != "" {
		return signRefused{fiber.StatusConflict, conflict}
	}
	// To the second, as the PDF prints it: the stored time draws the same
	// bytes again, so the stored SHA-256 can be checked later.
	at := h.now().UTC().Truncate(time.Second)
	a := d.doc
	a.Signature = loanpdf.Signature{FullName: s.name, PNG: s.png, Consent: texts[locale]["consent"], SignedAt: at, IP: s.ip, UserAgent: s.userAgent}
	pdf, err := loanpdf.Render(a, locale)
	var invalid *loanpdf.InvalidError
	if errors.As(err, &invalid) {
		switch invalid.Field {
		case "Signature.PNG":
			return signRefused{fiber.StatusUnprocessableEntity, "signature_bad"}
		case "Signature.FullName":
			return signRefused{fiber.StatusUnprocessableEntity, "name_bad"}
		}
	}
	if err != nil {
		return err
	}
	hash, err := h.media.Put(pdf) // content-addressed; deleted again if the transaction fails
	if err != nil {
		return err
	}
	doc := hub.CleanFileName(loanpdf.TextsFor(locale).Title + " " + d.car.Plate + ".pdf")
	t, err := h.store.Thread(ctx, l.ThreadID)
	if err != nil {
		return err
	}
	data := templates.Data{BranchName: d.branch.Name, BranchPhone: d.branch.Phone, CustomerName: l.CustomerName,
		Plate: d.car.Plate, Vehicle: d.car.Model, DocumentName: doc, Link: s.pageURL, Location: d.zone, Locale: locale}
	if l.WorkOrderID != nil {
		w, err := h.store.WorkOrder(ctx, *l.WorkOrderID)
		if err != nil {
			return err
		}
		data.WorkOrderNumber = w.Number
	}
	body, err := h.texts.Render(ctx, l.BranchID, templates.KeyDocumentReady, data)
	if err != nil {
		return err
	}
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		// The document goes to the customer as the DMS's documents do: a
		// message on the thread's channel with the PDF attached.
		m, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone,
			Body: body, TemplateKey: templates.KeyDocumentReady, Purpose: store.ConsentService})
		if err != nil {
			return err
		}
		if err := tx.AddAttachment(ctx, &hub.Attachment{MessageID: m.ID, SHA256: hash, Name: doc,
			ContentType: "application/pdf", SizeBytes: int64(len(pdf)), DocKind: DocAgreement}); err != nil {
			return err
		}
		_, err = tx.ChangeLoan(ctx, l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
			if x.Version != l.Version {
				return store.ErrLoanChanged // the PDF drawn is of the loan as read
			}
			x.DocumentID, x.SignedName, x.SignedAt = s.documentID, s.name, &at
			x.SignedIP, x.SignedUserAgent = s.ip, s.userAgent
			x.AgreementSHA256, x.AgreementMessageID = hash, &m.ID
			return nil
		})
		if err != nil {
			return err
		}
		line := hub.SystemLine(l.ThreadID, "naryad", templates.SysLoanSigned,
			map[string]string{"plate": d.car.Plate, "document": s.documentID, "name": s.name})
		return tx.AddMessage(ctx, &line)
	})
	if err != nil {
		// Nothing names the PDF now (a signing that won meanwhile names its
		// own copy, committed before this one could fail on the loan): it
		// carries the customer's name, signature and address, and no purge
		// would ever find it.
		h.dropIfUnused(ctx, hash)
	}
	return err
}

// agreementPDF is GET /l/<token>/agreement.pdf: the signed agreement, as
// it was sent to the customer.
func (h *Handler) agreementPDF(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		l := v.loan
		if !l.Signed() || l.AgreementMessageID == nil {
			return h.notFound(c)
		}
		files, err := h.store.Attachments(ctx, *l.AgreementMessageID)
		if err != nil {
			return h.internal(c, "load agreement", err)
		}
		for _, a := range files {
			if a.SHA256 == l.AgreementSHA256 {
				if err := attachment.Send(c, h.media, a); err != nil {
					return h.internal(c, "send agreement", err)
				}
				return nil
			}
		}
		return h.notFound(c)
	})
}

// cleanName is the typed full name with its spaces folded, when it is a
// name: two letters at least, and nothing but letters (any script, with
// their accents), spaces, hyphens, apostrophes and dots, within
// loanpdf.MaxName.
func cleanName(s string) (string, bool) {
	if len(s) > 4*loanpdf.MaxName || !utf8.ValidString(s) {
		return "", false
	}
	s = strings.Join(strings.Fields(s), " ")
	runes, letters := 0, 0
	for _, r := range s {
		runes++
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Mn, r), r == ' ', r == '-', r == '\'', r == '’', r == '.':
		default:
			return "", false
		}
	}
	return s, letters >= 2 && runes <= loanpdf.MaxName
}

// signaturePNG decodes the drawn signature the page posts as a PNG data
// URL, when it is a PNG within loanpdf's limits with some ink on it (an
// empty canvas is no signature). loanpdf.Render checks the PNG again.
func signaturePNG(field string) ([]byte, bool) {
	raw, ok := strings.CutPrefix(field, "data:image/png;base64,")
	if !ok || base64.StdEncoding.DecodedLen(len(raw)) > loanpdf.MaxSignatureBytes+3 {
		return nil, false
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(data) > loanpdf.MaxSignatureBytes {
		return nil, false
	}
	// The header first: a small file that unpacks to a huge image is
	// refused before it is unpacked.
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > loanpdf.MaxSignaturePixels || cfg.Height > loanpdf.MaxSignaturePixels {
		return nil, false
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	// Ink: a pixel mostly opaque and darker than the paper (the canvas is
	// transparent; a PNG drawn on white has white paper).
	const minInk = 30
	ink := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && ink < minInk; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0x8000 && (r+g+bl)/3 < a*3/4 {
				if ink++; ink >= minInk {
					break
				}
			}
		}
	}
	return data, ink >= minInk
}

// cleanUserAgent is the browser's User-Agent as kept with the signature:
// valid text, cut to loanpdf.MaxUserAgent.
func cleanUserAgent(ua string) string {
	ua = strings.ToValidUTF8(strings.ReplaceAll(ua, "\x00", ""), "")
	return hub.TruncateRunes(ua, loanpdf.MaxUserAgent)
}
