package inspectionpdf

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"naryad/hub"
)

// pdfTexts reads the strings drawn by Tj in an uncompressed PDF made with
// a UTF-8 font: fpdf writes them as UTF-16BE.
func pdfTexts(t *testing.T, pdf []byte) string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`\(((?:\\.|[^\\)])*)\) ?Tj`).FindAllSubmatch(pdf, -1) {
		raw := m[1]
		var b []byte
		for i := 0; i < len(raw); i++ {
			if raw[i] == '\\' && i+1 < len(raw) {
				i++
				switch raw[i] {
				case 'r':
					b = append(b, '\r')
				default:
					b = append(b, raw[i])
				}
				continue
			}
			b = append(b, raw[i])
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		out = append(out, string(utf16.Decode(u)))
	}
	return strings.Join(out, "\n")
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sample(t *testing.T, locale string) Report {
	photo := func(w int) []byte { return testJPEG(t, w, 90) }
	return Report{
		Texts: TextsFor(locale), BranchName: "Автосервис «Ёж» / Łódź Żółć", BranchPhone: "+7 495 000-00-00",
		WorkOrder: "АА-000101", Vehicle: "Škoda Octavia А123ВС77", VIN: "XW8ZZZ1ZZKG000001", Date: "07.12.2026 10:30",
		Mechanic: "Пётр Щукин",
		Items: []Item{
			{Name: "Тормозные колодки передние", State: hub.ItemRed, Value: "2,5\u00a0мм", Note: "Износ до металла, скрип",
				Thumbs: [][]byte{photo(120), photo(60), []byte("<svg/>"), photo(90), photo(200), photo(30)}},
			{Name: "Opony zimowe — bieżnik", State: hub.ItemYellow, Value: "4,5\u00a0mm", Note: "Zużycie nierównomierne\x00\u202f"},
			{Name: "Аккумулятор", State: hub.ItemGreen, Value: "12,6\u00a0В"},
			{Name: "Not looked at", State: ""},
		},
		Lines: []Line{
			{Name: "Замена тормозных колодок (работа и запчасти)", Decision: hub.DecisionApproved, State: hub.ItemRed, Total: "4 500 ₽"},
			{Name: "Wymiana opon", Decision: hub.DecisionDeclined, Total: "1 800,00 zł"},
			{Name: "Later", Decision: "", Total: "100 ₽"},
		},
		Total: "12 500 ₽",
	}
}

func TestRenderHasTheTexts(t *testing.T) {
	pdf, err := render(sample(t, "ru"), false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/Type /Page")) {
		t.Fatalf("not a PDF with pages: %.40q", pdf)
	}
	text := pdfTexts(t, pdf)
	for _, want := range []string{
		"Отчёт об осмотре автомобиля", "АА-000101", "Łódź Żółć", "Тормозные колодки передние", "2,5\u00a0мм",
		"Износ до металла, скрип", "Нужен ремонт сейчас (1)", "Скоро понадобится внимание (1)", "В порядке (1)",
		"Zużycie nierównomierne", "согласовано", "отказано", "без решения", "12 500 руб.", "Итого после решений",
		"Страница 1 из",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q; it has:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"Not looked at", "\x00", "₽"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("PDF has %q", unwanted)
		}
	}
	// Four photos at most per item, and the SVG named a photo is left out.
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != 4 {
		t.Errorf("%d images, want 4", n)
	}
}

func TestRenderEveryLocale(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en", "xx"} {
		pdf, err := Render(sample(t, locale))
		if err != nil {
			t.Fatalf("%s: %v", locale, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 1000 {
			t.Fatalf("%s: not a PDF", locale)
		}
	}
	pl, err := render(sample(t, "pl"), false)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfTexts(t, pl); !strings.Contains(text, "Raport z przeglądu pojazdu") || !strings.Contains(text, "zaakceptowano") {
		t.Errorf("Polish report lacks its words:\n%s", text)
	}
}

func TestRenderEmptyAndHostile(t *testing.T) {
	pdf, err := render(Report{Texts: TextsFor("en")}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pdfTexts(t, pdf), "No items were checked.") {
		t.Error("an empty report does not say so")
	}
	long := strings.Repeat("Очень длинное примечание механика 🚗 \xff ", 400)
	r := Report{Texts: TextsFor("ru"), BranchName: long, Items: make([]Item, 0, 60)}
	for i := 0; i < 60; i++ {
		r.Items = append(r.Items, Item{Name: long[:200], State: hub.ItemRed, Note: long})
	}
	r.Lines = []Line{{Name: long, Total: long}}
	pdf, err = render(r, false)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfTexts(t, pdf)
	if !strings.Contains(text, "?") || strings.Contains(text, "🚗") {
		t.Error("a letter the font lacks is not replaced")
	}
	if !strings.Contains(text, "…") {
		t.Error("a line's very long name is not cut")
	}
}

// Every language has every word, and the page counter has its two verbs.
func TestTextsComplete(t *testing.T) {
	for _, locale := range []string{"ru", "pl", "en"} {
		v := reflect.ValueOf(TextsFor(locale))
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).String() == "" {
				t.Errorf("%s: %s is empty", locale, v.Type().Field(i).Name)
			}
		}
		if p := TextsFor(locale).Page; strings.Count(p, "%d") != 1 || strings.Count(p, "%s") != 1 {
			t.Errorf("%s: page counter %q", locale, p)
		}
	}
}
