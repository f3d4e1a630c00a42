package inspectionpdf

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"
	"strings"
	"testing"

	"naryad/hub"
)

// An inspection has no limit on items or photos: 200 items with four
// photos each (800 distinct thumbnails, as a long inspection of a bus
// gives) and long notes must still make a PDF of bounded size, so a
// customer reloading the download cannot make the hub build a 70 MB file
// (several seconds and a gigabyte of allocations) each time. The report
// shows the worst items' photos first and leaves the rest out.
func TestAHugeInspectionMakesABoundedPDF(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	r := Report{Texts: TextsFor("ru"), BranchName: "Сервис", WorkOrder: "БОЛЬШОЙ-1"}
	states := []string{hub.ItemGreen, hub.ItemYellow, hub.ItemRed}
	for i := range 200 {
		it := Item{Name: fmt.Sprint("Пункт ", i), State: states[i%3], Note: strings.Repeat("заметка ", 250)}
		for range 4 {
			img := image.NewRGBA(image.Rect(0, 0, 160, 120))
			rnd.Read(img.Pix)
			var b bytes.Buffer
			if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
				t.Fatal(err)
			}
			it.Thumbs = append(it.Thumbs, b.Bytes())
		}
		r.Items = append(r.Items, it)
	}
	pdf, err := render(r, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != MaxReportThumbs {
		t.Errorf("%d photos in the PDF, want at most %d", n, MaxReportThumbs)
	}
	// The photos kept are the red items' (drawn first).
	text := pdfTexts(t, pdf)
	if !strings.Contains(text, "Пункт 2") || !strings.Contains(text, "Пункт 199") {
		t.Errorf("items missing from the report")
	}
}
