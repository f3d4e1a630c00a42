package inspectionpdf

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"naryad/hub"
	"naryad/hub/pdftext"
)

// Page geometry in millimetres (A4).
const (
	margin     = 15.0
	thumbBoxW  = 42.0 // a photo fits a 42 × 32 mm box
	thumbBoxH  = 32.0
	thumbGap   = 3.0
	lineHeight = 5.0
)

// maxName bounds a name drawn beside other cells (a line's decision and
// sum, an item's measurement): those are placed by hand, so the name must
// fit on one page; a DMS or a mechanic may send any length.
const maxName = 300

// short cuts a name to maxName characters, marking the cut.
func short(s string) string {
	if cut := hub.TruncateRunes(s, maxName); cut != s {
		return cut + "…"
	}
	return s
}

// family is the embedded font's name inside the PDF.
const family = "Go"

// Render draws r as an A4 PDF.
func Render(r Report) ([]byte, error) {
	return render(r, true)
}

// render is Render with the page streams' compression switchable: the
// tests read the texts from an uncompressed file.
func render(r Report, compress bool) ([]byte, error) {
	c, err := pdftext.NewCleaner()
	if err != nil {
		return nil, err
	}
	p := &page{pdf: fpdf.New("P", "mm", "A4", ""), t: r.Texts, clean: c}
	f := p.pdf
	f.SetCompression(compress)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+5)
	f.AddUTF8FontFromBytes(family, "", goregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	f.SetTitle(c.Text(r.Texts.Title+" "+r.WorkOrder), true)
	f.SetCreator("naryad", true)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-margin)
		p.font("", 8)
		f.SetTextColor(120, 120, 120)
		f.CellFormat(0, 4, c.Text(fmt.Sprintf(r.Texts.Page, f.PageNo(), "{nb}")), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	p.header(r)
	p.items(r.Items)
	p.lines(r)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("inspection pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("inspection pdf: write: %w", err)
	}
	return buf.Bytes(), nil
}

// page draws one report; every text goes through clean first.
type page struct {
	pdf    *fpdf.Fpdf
	t      Texts
	clean  *pdftext.Cleaner
	images int
}

func (p *page) font(style string, size float64) { p.pdf.SetFont(family, style, size) }

// width is the printable width.
func (p *page) width() float64 {
	w, _ := p.pdf.GetPageSize()
	return w - 2*margin
}

// room starts a new page unless h millimetres fit on this one.
func (p *page) room(h float64) {
	_, ph := p.pdf.GetPageSize()
	if p.pdf.GetY()+h > ph-margin-5 {
		p.pdf.AddPage()
	}
}

func (p *page) header(r Report) {
	f := p.pdf
	f.SetTextColor(0, 0, 0)
	p.font("B", 13)
	f.MultiCell(0, 6, p.clean.Text(r.BranchName), "", "L", false)
	if r.BranchPhone != "" {
		p.font("", 10)
		f.MultiCell(0, lineHeight, p.clean.Text(p.t.Phone+" "+r.BranchPhone), "", "L", false)
	}
	f.Ln(3)
	p.font("B", 16)
	f.MultiCell(0, 8, p.clean.Text(p.t.Title), "", "L", false)
	f.Ln(1)
	for _, row := range [][2]string{
		{p.t.WorkOrder, r.WorkOrder}, {p.t.Vehicle, r.Vehicle}, {p.t.VIN, r.VIN},
		{p.t.Date, r.Date}, {p.t.Mechanic, r.Mechanic},
	} {
		if row[1] == "" {
			continue
		}
		p.font("", 10)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(35, lineHeight, p.clean.Text(row[0]), "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.MultiCell(0, lineHeight, p.clean.Text(row[1]), "", "L", false)
	}
	f.Ln(4)
}

// stateColor is a state's colour (red, amber, green; green for any
// other): the group bars' and the dots before the lines' names.
func stateColor(state string) (r, g, b int) {
	switch state {
	case hub.ItemRed:
		return 220, 53, 69
	case hub.ItemYellow:
		return 240, 173, 0
	}
	return 40, 167, 69
}

// items draws the items grouped worst first; an item of another state
// (not looked at) is not part of a report.
func (p *page) items(items []Item) {
	shown := 0
	for _, state := range hub.StatesWorstFirst() {
		var group []Item
		for _, it := range items {
			if it.State == state {
				group = append(group, it)
			}
		}
		if len(group) == 0 {
			continue
		}
		shown += len(group)
		p.room(20)
		f := p.pdf
		r, g, b := stateColor(state)
		f.SetFillColor(r, g, b)
		f.SetTextColor(255, 255, 255)
		if state == hub.ItemYellow {
			f.SetTextColor(33, 33, 33) // white on amber is hard to read, printed or not
		}
		p.font("B", 11)
		f.CellFormat(0, 7, p.clean.Text(fmt.Sprintf("%s (%d)", p.t.stateTitle(state), len(group))), "", 1, "L", true, 0, "")
		f.SetTextColor(0, 0, 0)
		f.Ln(1)
		for _, it := range group {
			p.item(it)
		}
		f.Ln(2)
	}
	if shown == 0 {
		p.font("", 10)
		p.pdf.MultiCell(0, lineHeight, p.clean.Text(p.t.NoItems), "", "L", false)
		p.pdf.Ln(2)
	}
}

func (p *page) item(it Item) {
	f := p.pdf
	p.room(12)
	measure := it.Value
	p.font("B", 11)
	mw := 0.0
	if measure != "" {
		mw = f.GetStringWidth(p.clean.Text(measure)) + 4
	}
	x, y := f.GetX(), f.GetY()
	f.MultiCell(p.width()-mw, 6, p.clean.Text(short(it.Name)), "", "L", false)
	after := f.GetY()
	if measure != "" {
		f.SetXY(x+p.width()-mw, y)
		f.CellFormat(mw, 6, p.clean.Text(measure), "", 0, "R", false, 0, "")
		f.SetXY(x, after)
	}
	if it.Note != "" {
		p.font("", 10)
		f.SetTextColor(60, 60, 60)
		f.MultiCell(0, lineHeight, p.clean.Text(it.Note), "", "L", false)
		f.SetTextColor(0, 0, 0)
	}
	p.thumbs(it.Thumbs)
	f.SetDrawColor(220, 220, 220)
	f.Line(margin, f.GetY()+1, margin+p.width(), f.GetY()+1)
	f.Ln(3)
}

// thumbs draws up to MaxThumbs photos in a row, and none once the report
// holds MaxReportThumbs (items are drawn worst first). A file whose header
// is not a JPEG's is left out; one that passes that check but fpdf still
// cannot read sets fpdf's error, which fails the whole report (Render
// checks it).
func (p *page) thumbs(thumbs [][]byte) {
	f := p.pdf
	type placed struct {
		name string
		w, h float64
	}
	var row []placed
	for _, data := range thumbs {
		if len(row) == MaxThumbs || p.images == MaxReportThumbs {
			break
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			continue
		}
		p.images++
		name := "thumb" + strconv.Itoa(p.images)
		f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(data))
		if f.Error() != nil {
			return
		}
		w, h := thumbBoxW, thumbBoxW*float64(cfg.Height)/float64(cfg.Width)
		if h > thumbBoxH {
			w, h = thumbBoxH*float64(cfg.Width)/float64(cfg.Height), thumbBoxH
		}
		row = append(row, placed{name, w, h})
	}
	if len(row) == 0 {
		return
	}
	f.Ln(1)
	p.room(thumbBoxH + 2)
	x, y := margin, f.GetY()
	for _, im := range row {
		f.ImageOptions(im.name, x, y, im.w, im.h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		x += thumbBoxW + thumbGap
	}
	f.SetY(y + thumbBoxH + 1)
}

// lines draws the decisions and the total after them.
func (p *page) lines(r Report) {
	if len(r.Lines) == 0 && r.Total == "" {
		return
	}
	f := p.pdf
	p.room(20)
	f.Ln(2)
	p.font("B", 13)
	f.MultiCell(0, 7, p.clean.Text(p.t.Decisions), "", "L", false)
	f.Ln(1)
	const decisionW, totalW, dotW = 35.0, 35.0, 5.0
	nameW := p.width() - decisionW - totalW
	for _, l := range r.Lines {
		p.font("", 10)
		name := p.clean.Text(short(l.Name))
		h := float64(len(f.SplitText(name, nameW-dotW-2))) * lineHeight
		if h < lineHeight {
			h = lineHeight
		}
		p.room(h + 1)
		x, y := f.GetX(), f.GetY()
		if l.State != "" {
			// The item's colour before the name: why the work is offered.
			r, g, b := stateColor(l.State)
			f.SetFillColor(r, g, b)
			f.Rect(x, y+1, 3, 3, "F")
		}
		f.SetX(x + dotW)
		f.MultiCell(nameW-dotW, lineHeight, name, "", "L", false)
		f.SetXY(x+nameW, y)
		if l.Decision == hub.DecisionDeclined {
			f.SetTextColor(180, 30, 40)
		}
		f.CellFormat(decisionW, lineHeight, p.clean.Text(p.t.decision(l.Decision)), "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.CellFormat(totalW, lineHeight, p.clean.Text(l.Total), "", 0, "R", false, 0, "")
		f.SetXY(x, y+h+1)
	}
	if r.Total != "" {
		f.Ln(2)
		p.font("B", 12)
		f.CellFormat(nameW+decisionW, 7, p.clean.Text(p.t.Total), "T", 0, "L", false, 0, "")
		f.CellFormat(totalW, 7, p.clean.Text(r.Total), "T", 1, "R", false, 0, "")
		p.font("", 9)
		f.SetTextColor(90, 90, 90)
		f.MultiCell(0, lineHeight, p.clean.Text(p.t.TotalNotice), "", "L", false)
		f.SetTextColor(0, 0, 0)
	}
}
