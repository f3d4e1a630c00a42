package loanpdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// signaturePNG is a transparent canvas with a dark stroke, as the signing
// page sends it.
func signaturePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		y := h/2 + (x%40-20)*h/100
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{20, 30, 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sample(t *testing.T) Agreement {
	t.Helper()
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip(err) // no tzdata: the zone cannot be tested
	}
	handover := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	return Agreement{
		Branch:   Branch{Name: "Škoda Auto Serwis Łódź", Address: "ul. Żółkiewskiego 12, 90-001 Łódź", Phone: "+48 42 000 00 00"},
		Customer: Customer{FullName: "Grzegorz Brzęczyszczykiewicz", Phone: "+48 600 000 000"},
		Car:      Car{Plate: "EL 12345", VIN: "TMBJJ7NE0L0000001", Model: "Škoda Octavia"},
		Zone:     warsaw, HandoverAt: handover, DueBackAt: handover.Add(50 * time.Hour),
		FuelEighths: 6, OdometerKm: 12345,
		Deposit: &Deposit{Minor: 50000, Currency: "PLN"},
		Signature: Signature{
			FullName: "Grzegorz Brzęczyszczykiewicz", PNG: signaturePNG(t, 600, 200),
			Consent:  "Zapoznałem(-am) się z warunkami i je akceptuję.",
			SignedAt: handover.Add(-5 * time.Minute), IP: "203.0.113.7",
			UserAgent: "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile",
		},
	}
}

// pdfToText runs poppler's pdftotext: what a reader (and a copy-paste)
// gets out of the file, so a letter drawn as an empty box is caught. CI
// installs it (make deps); elsewhere the test says how to get it.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing in CI: make deps installs poppler-utils")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils, or make deps)")
	}
	path := filepath.Join(t.TempDir(), "agreement.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// wantText fails for each of want the text lacks; pdftotext may break a
// long line, so spaces and line breaks count as one.
func wantText(t *testing.T, text string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("PDF lacks %q; it has:\n%s", w, text)
		}
	}
}

func TestRenderPolish(t *testing.T) {
	a := sample(t)
	pdf, err := Render(a, "pl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	text := pdfToText(t, pdf)
	wantText(t, text,
		"Umowa użyczenia samochodu zastępczego", "Grzegorz Brzęczyszczykiewicz", "EL 12345", "TMBJJ7NE0L0000001",
		"Škoda Auto Serwis Łódź", "ul. Żółkiewskiego 12",
		"1. Serwis użycza klientowi samochód zastępczy",
		"07.12.2026 10:30", "09.12.2026 12:30", "Europe/Warsaw", // handover and due back in the branch's zone
		"6/8", "12 345 km", "500,00 zł", "Zapoznałem(-am) się z warunkami",
		"2026-12-07T10:25:00+01:00", "203.0.113.7", "Chrome/131.0", DocumentID(a, "pl"),
		"Podpisał(a)", "Strona 1 z 1", // the default terms fit one page
	)
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != 1 {
		t.Errorf("%d images, want the signature", n)
	}
	writeScreenshot(t, pdf)
}

func TestRenderRussianAndBranchTerms(t *testing.T) {
	a := sample(t)
	a.Customer.FullName, a.Signature.FullName = "Пётр Щукин-Ёлкин", "Пётр Щукин-Ёлкин"
	a.Car.Plate = "А123ВС77"
	a.Signature.Consent = "С условиями ознакомлен и согласен."
	a.Deposit = &Deposit{Minor: 1500000, Currency: "RUB"}
	text := pdfToText(t, mustRender(t, a, "ru"))
	wantText(t, text, "Договор предоставления подменного автомобиля", "Пётр Щукин-Ёлкин", "А123ВС77",
		"1. Сервисный центр бесплатно предоставляет клиенту", "15 000,00 руб.", "Подписал(а)", "Идентификатор документа")

	a.Terms = "Własne warunki oddziału: zwrot z pełnym bakiem.\nĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"
	a.Deposit = nil
	text = pdfToText(t, mustRender(t, a, "en"))
	wantText(t, text, "Courtesy car agreement", "Własne warunki oddziału", "ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "no deposit", "12,345 km")
	if strings.Contains(text, "lends the customer") {
		t.Error("the default terms are printed beside the branch's own")
	}
}

func mustRender(t *testing.T, a Agreement, locale string) []byte {
	t.Helper()
	pdf, err := Render(a, locale)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// The same agreement gives the same bytes, so the stored digest can be
// checked again; the signing time is in the bytes.
func TestRenderIsDeterministic(t *testing.T) {
	a := sample(t)
	first, second := mustRender(t, a, "pl"), mustRender(t, a, "pl")
	if !bytes.Equal(first, second) {
		t.Fatal("two renderings of one agreement differ")
	}
	if Digest(first) != Digest(second) || len(Digest(first)) != 64 {
		t.Fatalf("digest %q", Digest(first))
	}
	// The file's dates are the signing time, not the clock's.
	if !bytes.Contains(first, []byte("/CreationDate (D:20261207092500")) || !bytes.Contains(first, []byte("/ModDate (D:20261207092500")) {
		t.Error("the PDF's dates are not the signing time")
	}
	// The same instants in another location (as a database may return
	// them) give the same bytes.
	moved := a
	moved.HandoverAt, moved.DueBackAt = a.HandoverAt.In(time.Local), a.DueBackAt.In(a.Zone)
	moved.Signature.SignedAt = a.Signature.SignedAt.In(a.Zone)
	if !bytes.Equal(mustRender(t, moved, "pl"), first) {
		t.Error("the same times in another location give other bytes")
	}
	a.Signature.SignedAt = a.Signature.SignedAt.Add(time.Second)
	if Digest(mustRender(t, a, "pl")) == Digest(first) {
		t.Error("another signing time gives the same digest")
	}
}

func TestDigest(t *testing.T) {
	if got := Digest([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Digest(abc) = %s", got)
	}
}

// The document id covers what is agreed, not the signing.
func TestDocumentID(t *testing.T) {
	a := sample(t)
	id := DocumentID(a, "pl")
	if !strings.HasPrefix(id, "LA-") || len(id) != len("LA-XXXX-XXXX-XXXX-XXXX") {
		t.Fatalf("id %q", id)
	}
	signedAgain := a
	signedAgain.Signature = Signature{FullName: "someone else"}
	if DocumentID(signedAgain, "pl") != id {
		t.Error("the signature changes the document id")
	}
	for name, change := range map[string]func(*Agreement){
		"terms":    func(a *Agreement) { a.Terms = "other" },
		"fuel":     func(a *Agreement) { a.FuelEighths = 5 },
		"deposit":  func(a *Agreement) { a.Deposit = nil },
		"due back": func(a *Agreement) { a.DueBackAt = a.DueBackAt.Add(time.Hour) },
		"plate":    func(a *Agreement) { a.Car.Plate = "EL 12346" },
	} {
		changed := a
		change(&changed)
		if DocumentID(changed, "pl") == id {
			t.Errorf("changed %s keeps the document id", name)
		}
	}
	if DocumentID(a, "ru") == id {
		t.Error("another language keeps the document id")
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	huge := image.NewGray(image.Rect(0, 0, MaxSignaturePixels+1, 2))
	var hugePNG bytes.Buffer
	if err := png.Encode(&hugePNG, huge); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, field string
		change      func(*Agreement)
	}{
		{"empty customer", "Customer.FullName", func(a *Agreement) { a.Customer.FullName = "  " }},
		{"empty plate", "Car.Plate", func(a *Agreement) { a.Car.Plate = "" }},
		{"empty signer", "Signature.FullName", func(a *Agreement) { a.Signature.FullName = "" }},
		{"no consent", "Signature.Consent", func(a *Agreement) { a.Signature.Consent = "" }},
		{"SVG as PNG", "Signature.PNG", func(a *Agreement) {
			a.Signature.PNG = []byte(`<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L10 10"/></svg>`)
		}},
		{"HTML behind a PNG signature", "Signature.PNG", func(a *Agreement) {
			a.Signature.PNG = append(append([]byte{}, pngMagic...), "<html><script>alert(1)</script></html>"...)
		}},
		{"no signature", "Signature.PNG", func(a *Agreement) { a.Signature.PNG = nil }},
		{"huge signature", "Signature.PNG", func(a *Agreement) { a.Signature.PNG = hugePNG.Bytes() }},
		{"signature file too big", "Signature.PNG", func(a *Agreement) {
			a.Signature.PNG = append(signaturePNG(t, 10, 10), make([]byte, MaxSignatureBytes)...)
		}},
		{"1 MB of terms", "Terms", func(a *Agreement) { a.Terms = strings.Repeat("Warunki ", 1<<17) }},
		{"long name", "Customer.FullName", func(a *Agreement) { a.Customer.FullName = strings.Repeat("Ż", MaxName+1) }},
		{"invalid UTF-8", "Branch.Name", func(a *Agreement) { a.Branch.Name = "Serwis \xff" }},
		{"NUL", "Car.Model", func(a *Agreement) { a.Car.Model = "Octavia\x00" }},
		{"no zone", "Zone", func(a *Agreement) { a.Zone = nil }},
		{"due before handover", "DueBackAt", func(a *Agreement) { a.DueBackAt = a.HandoverAt }},
		{"fuel 9/8", "FuelEighths", func(a *Agreement) { a.FuelEighths = 9 }},
		{"negative odometer", "OdometerKm", func(a *Agreement) { a.OdometerKm = -1 }},
		{"zero deposit", "Deposit.Minor", func(a *Agreement) { a.Deposit = &Deposit{Minor: 0, Currency: "PLN"} }},
		{"unknown currency", "Deposit.Currency", func(a *Agreement) { a.Deposit = &Deposit{Minor: 100, Currency: "XYZ1"} }},
		{"no signing time", "Signature.SignedAt", func(a *Agreement) { a.Signature.SignedAt = time.Time{} }},
		{"bad IP", "Signature.IP", func(a *Agreement) { a.Signature.IP = "not an ip" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := sample(t)
			c.change(&a)
			pdf, err := Render(a, "pl")
			var bad *InvalidError
			if !errors.As(err, &bad) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v (%d bytes), want an *InvalidError", err, len(pdf))
			}
			if bad.Field != c.field || pdf != nil {
				t.Errorf("field %q, want %q (%v)", bad.Field, c.field, err)
			}
		})
	}
}

// The longest terms allowed flow over several pages, each with its footer.
func TestRenderLongestTerms(t *testing.T) {
	a := sample(t)
	a.Terms = strings.Repeat("Długie warunki oddziału, ", MaxTerms/25)
	text := pdfToText(t, mustRender(t, a, "en"))
	wantText(t, text, "Page 1 of", "Signing record", DocumentID(a, "en"))
	if strings.Contains(text, "Page 1 of 1 ") {
		t.Error("the longest terms fit one page?")
	}
}

// A very long User-Agent is cut rather than refusing the signature.
func TestRenderCutsALongUserAgent(t *testing.T) {
	a := sample(t)
	a.Signature.UserAgent = strings.Repeat("Mozilla ", 200) + "THE-END"
	text := pdfToText(t, mustRender(t, a, "en"))
	if strings.Contains(text, "THE-END") || !strings.Contains(text, "…") {
		t.Error("a long User-Agent is not cut")
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
		tx := TextsFor(locale)
		if strings.Count(tx.Page, "%d") != 1 || strings.Count(tx.Page, "%s") != 1 || strings.Count(tx.DepositHeld, "%s") != 1 {
			t.Errorf("%s: verbs in %q or %q", locale, tx.Page, tx.DepositHeld)
		}
		if !strings.HasPrefix(DefaultTerms(locale), "1. ") {
			t.Errorf("%s: default terms %q", locale, DefaultTerms(locale))
		}
	}
	if DefaultTerms("ru") == DefaultTerms("pl") || TextsFor("xx") != TextsFor("en") {
		t.Error("languages are mixed up")
	}
}

// writeScreenshot renders the first page to docs/screenshots when
// NARYAD_WRITE_SCREENSHOTS is set (make screenshots), as the browser tests
// do for the pages.
func writeScreenshot(t *testing.T, pdf []byte) {
	t.Helper()
	if os.Getenv("NARYAD_WRITE_SCREENSHOTS") == "" {
		return
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("NARYAD_WRITE_SCREENSHOTS is set but pdftoppm (poppler-utils) is missing")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "agreement.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", "docs", "screenshots", "loan-agreement")
	if b, err := exec.Command(bin, "-png", "-r", "80", "-singlefile", "-f", "1", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
	t.Logf("wrote %s.png", out)
}
