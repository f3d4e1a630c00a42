package loanpdf

import (
	"bytes"
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"naryad/hub"
	"naryad/hub/pdftext"
	"naryad/templates"
)

// Page geometry in millimetres (A4).
const (
	margin     = 15.0
	labelW     = 45.0 // the label column of a section's rows
	lineHeight = 5.0
	signMaxW   = 80.0 // the drawn signature fits an 80 × 30 mm box
	signMaxH   = 30.0
)

// family is the embedded font's name inside the PDF.
const family = "Go"

// Render validates a and draws it as an A4 PDF in locale (ru, pl or en;
// the project's fallback language for any other). A refused input is an
// *InvalidError (errors.Is(err, ErrInvalid)); the same a and locale always
// give the same bytes.
func Render(a Agreement, locale string) ([]byte, error) {
	if err := validate(a); err != nil {
		return nil, err
	}
	sign, size, err := signatureImage(a.Signature.PNG)
	if err != nil {
		return nil, err
	}
	clean, err := pdftext.NewCleaner()
	if err != nil {
		return nil, fmt.Errorf("loan agreement: %w", err)
	}
	locale = normalizeLocale(locale)
	p := &page{pdf: fpdf.New("P", "mm", "A4", ""), t: TextsFor(locale), locale: locale, clean: clean, zone: a.Zone}
	f := p.pdf
	// Fixed dates and a sorted catalogue make the bytes depend on the
	// agreement only, so its Digest can be recomputed from the same input;
	// in UTC, since a time read back from a database may carry another
	// location for the same instant.
	f.SetCreationDate(a.Signature.SignedAt.UTC())
	f.SetModificationDate(a.Signature.SignedAt.UTC())
	f.SetCatalogSort(true)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+5)
	f.AddUTF8FontFromBytes(family, "", goregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	id := DocumentID(a, locale)
	f.SetTitle(clean.Text(p.t.Title+" "+a.Car.Plate), true)
	f.SetCreator("naryad", true)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-margin)
		p.font("", 8)
		f.SetTextColor(120, 120, 120)
		f.CellFormat(0, 4, clean.Text(fmt.Sprintf(p.t.Page, f.PageNo(), "{nb}")+"  ·  "+id), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	p.header(id)
	p.parties(a)
	p.car(a)
	p.handover(a)
	p.deposit(a)
	p.terms(termsFor(a, locale))
	p.signature(a, sign, size)
	p.audit(a, id)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("loan agreement pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("loan agreement pdf: write: %w", err)
	}
	return buf.Bytes(), nil
}

// page draws one agreement; every text goes through clean first.
type page struct {
	pdf    *fpdf.Fpdf
	t      Texts
	locale string
	clean  *pdftext.Cleaner
	zone   *time.Location
}

func (p *page) font(style string, size float64) { p.pdf.SetFont(family, style, size) }

// room starts a new page unless h millimetres fit on this one.
func (p *page) room(h float64) {
	_, ph := p.pdf.GetPageSize()
	if p.pdf.GetY()+h > ph-margin-5 {
		p.pdf.AddPage()
	}
}

// header is the title and the document id; the branch follows as the
// first party.
func (p *page) header(id string) {
	f := p.pdf
	p.font("B", 16)
	f.MultiCell(0, 8, p.clean.Text(p.t.Title), "", "L", false)
	p.font("", 9)
	f.SetTextColor(90, 90, 90)
	f.MultiCell(0, lineHeight, p.clean.Text(p.t.DocumentID+": "+id), "", "L", false)
	f.SetTextColor(0, 0, 0)
}

// section starts a titled block, on a new page when its first rows would
// not fit.
func (p *page) section(title string) {
	p.room(20)
	f := p.pdf
	f.Ln(1.5)
	p.font("B", 11)
	f.SetFillColor(235, 238, 242)
	f.CellFormat(0, 6.5, p.clean.Text(title), "", 1, "L", true, 0, "")
	f.Ln(1)
}

// row draws a label and its value; an empty value is left out.
func (p *page) row(label, value string) {
	if value == "" {
		return
	}
	f := p.pdf
	p.font("", 10)
	f.SetTextColor(90, 90, 90)
	f.CellFormat(labelW, lineHeight, p.clean.Text(label), "", 0, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
	f.MultiCell(0, lineHeight, p.clean.Text(value), "", "L", false)
}

func (p *page) parties(a Agreement) {
	p.section(p.t.Lender)
	p.row(p.t.Name, a.Branch.Name)
	p.row(p.t.Address, a.Branch.Address)
	p.row(p.t.Phone, a.Branch.Phone)
	p.section(p.t.Borrower)
	p.row(p.t.Name, a.Customer.FullName)
	p.row(p.t.Phone, a.Customer.Phone)
}

func (p *page) car(a Agreement) {
	p.section(p.t.Car)
	p.row(p.t.Model, a.Car.Model)
	p.row(p.t.Plate, a.Car.Plate)
	p.row(p.t.VIN, a.Car.VIN)
}

// when is a time in the branch's zone as the reader writes it.
func (p *page) when(t time.Time) string { return templates.DateTime(p.locale, t.In(p.zone)) }

func (p *page) handover(a Agreement) {
	p.section(p.t.Handover)
	p.row(p.t.HandoverAt, p.when(a.HandoverAt))
	p.row(p.t.DueBackAt, p.when(a.DueBackAt))
	p.row(p.t.TimeZone, a.Zone.String())
	p.fuel(a.FuelEighths)
	p.row(p.t.Odometer, groupDigits(a.OdometerKm, p.locale)+" "+p.t.Km)
}

// fuel draws the gauge as eight cells, filled up to the level, and the
// level in eighths after them.
func (p *page) fuel(eighths int) {
	f := p.pdf
	p.font("", 10)
	f.SetTextColor(90, 90, 90)
	f.CellFormat(labelW, lineHeight, p.clean.Text(p.t.Fuel), "", 0, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
	x, y := f.GetX(), f.GetY()
	const cellW, cellH, gap = 5.0, 3.5, 0.8
	f.SetDrawColor(90, 90, 90)
	f.SetFillColor(60, 60, 60)
	for i := 0; i < 8; i++ {
		style := "D"
		if i < eighths {
			style = "FD"
		}
		f.Rect(x+float64(i)*(cellW+gap), y+0.75, cellW, cellH, style)
	}
	f.SetX(x + 8*(cellW+gap) + 2)
	f.CellFormat(0, lineHeight, strconv.Itoa(eighths)+"/8", "", 1, "L", false, 0, "")
}

func (p *page) deposit(a Agreement) {
	p.section(p.t.Deposit)
	text := DepositText(a.Deposit, p.locale)
	p.font("", 10)
	p.pdf.MultiCell(0, lineHeight, p.clean.Text(text), "", "L", false)
}

func (p *page) terms(text string) {
	p.section(p.t.Terms)
	p.font("", 9)
	p.pdf.MultiCell(0, 4.3, p.clean.Text(text), "", "L", false)
}

// signature draws the consent sentence, the drawn signature scaled into its
// box, a line under it and the typed name.
func (p *page) signature(a Agreement, png []byte, size image.Point) {
	f := p.pdf
	p.section(p.t.Signature)
	p.font("", 10)
	// A ticked box before the sentence the signer ticked (the Go fonts
	// have no ballot box).
	const box = 3.5
	bx, by := f.GetX(), f.GetY()+0.75
	f.SetDrawColor(60, 60, 60)
	f.Rect(bx, by, box, box, "D")
	f.Line(bx+0.7, by+box/2, bx+box/2.5, by+box-0.7)
	f.Line(bx+box/2.5, by+box-0.7, bx+box-0.6, by+0.6)
	f.SetX(bx + box + 2)
	f.MultiCell(0, lineHeight, p.clean.Text(a.Signature.Consent), "", "L", false)
	f.Ln(2)
	w := signMaxW
	h := w * float64(size.Y) / float64(size.X)
	if h > signMaxH {
		w, h = signMaxH*float64(size.X)/float64(size.Y), signMaxH
	}
	p.room(h + 12)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	f.RegisterImageOptionsReader("signature", opts, bytes.NewReader(png))
	x, y := margin, f.GetY()
	f.ImageOptions("signature", x, y, w, h, false, opts, 0, "")
	f.SetDrawColor(90, 90, 90)
	f.Line(x, y+h+1, x+signMaxW, y+h+1)
	f.SetY(y + h + 2)
	p.row(p.t.SignedBy, a.Signature.FullName)
}

// audit is the signing record: when (to the second, with the zone's
// offset), from where, with what; the file's own SHA-256 is kept beside it.
func (p *page) audit(a Agreement, id string) {
	p.section(p.t.Audit)
	s := a.Signature
	p.row(p.t.SignedAt, s.SignedAt.In(p.zone).Format(time.RFC3339))
	p.row(p.t.IP, s.IP)
	ua := s.UserAgent
	if cut := hub.TruncateRunes(ua, MaxUserAgent); cut != ua {
		ua = cut + "…"
	}
	p.row(p.t.UserAgent, ua)
	p.row(p.t.DocumentID, id)
	p.font("", 8)
	p.pdf.SetTextColor(90, 90, 90)
	p.pdf.MultiCell(0, 4, p.clean.Text(p.t.DigestNote), "", "L", false)
	p.pdf.SetTextColor(0, 0, 0)
}

// groupDigits writes a non-negative count with thousands grouped as the
// reader does: "12 345" (ru, pl), "12,345" (en).
func groupDigits(n int, locale string) string {
	s := strconv.Itoa(n)
	sep := " "
	if locale == templates.LocaleEN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
