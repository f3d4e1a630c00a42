package loan_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/forminput"
	"naryad/hub/web/loan"
	"naryad/templates"
)

// env is the loan page on one backend, with fakes of the integrations
// (set in opts; nil ones stay nil) and a branch with a car.
type env struct {
	t     *testing.T
	st    *store.Store
	media *hub.Media
	dir   string // the media folder
	app   *fiber.App
	f     storetest.Fixture
	car   hub.CourtesyCar
	log   *bytes.Buffer
	now   time.Time
}

const testPublicURL = "https://hub.example.test"

// testUploadMax is the photo limit of the tests: small, so an oversize
// photo is quick to make.
const testUploadMax = 256 << 10

func newEnv(t *testing.T, st *store.Store, opts ...func(*loan.Options)) *env {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, st)
	f.Branch.Phone = "+74950001122"
	if err := st.Gorm(ctx).Exec("UPDATE branches SET phone = ? WHERE id = ?", f.Branch.Phone, f.Branch.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.SetBranchBooking(ctx, f.Branch.ID, hub.BranchBooking{City: "Москва", Address: "Ленинский пр-т, 30", CancelHours: 2, HorizonDays: 30, LeadMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "А 123 ВС 77", Model: "Škoda Octavia", Fuel: hub.FuelPetrol, VIN: "TMBJJ7NE0L0000001"}
	if err := st.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	renderer, err := templates.New(st)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, f: f, car: car, log: &bytes.Buffer{}, dir: filepath.Join(t.TempDir(), "media"),
		now: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
	e.media = hub.NewMedia(e.dir)
	o := loan.Options{Secret: "test-secret-0123456789-0123456789", UploadMaxBytes: testUploadMax, PublicURL: testPublicURL,
		Texts: renderer, Logger: slog.New(slog.NewTextHandler(&syncWriter{w: e.log}, nil)), Now: func() time.Time { return e.now }}
	for _, opt := range opts {
		opt(&o)
	}
	h, err := loan.New(st, e.media, o)
	if err != nil {
		t.Fatal(err)
	}
	e.app = fiber.New(fiber.Config{BodyLimit: 8 << 20})
	e.app.Use(forminput.New("/api/"))
	h.Register(e.app)
	return e
}

// syncWriter lets the handler's goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// offer stores an offered loan of the car to the fixture's thread and
// returns it with the link's token; change adjusts the offer first.
func (e *env) offer(change func(*hub.Loan)) (hub.Loan, string) {
	e.t.Helper()
	token, err := hub.NewToken()
	if err != nil {
		e.t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	l := hub.Loan{BranchID: e.f.Branch.ID, ThreadID: e.f.Thread.ID, WorkOrderID: &e.f.Order.ID, CarID: e.car.ID,
		TokenHash: hub.HashToken(token), Locale: "ru", CustomerName: "Иван Петров", CustomerPhone: "+79161234567",
		HandoverAt: at, DueBackAt: at.Add(50 * time.Hour), FuelEighths: 6, OdometerKm: 12345,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if change != nil {
		change(&l)
	}
	if err := e.st.CreateLoan(context.Background(), &l); err != nil {
		e.t.Fatal(err)
	}
	return l, token
}

// change moves a loan as staff or a webhook would (no feed event).
func (e *env) change(id int64, fn func(*hub.Loan)) hub.Loan {
	e.t.Helper()
	l, err := e.st.ChangeLoan(context.Background(), id, "", func(l *hub.Loan) error { fn(l); return nil })
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func (e *env) loan(id int64) hub.Loan {
	e.t.Helper()
	l, err := e.st.Loan(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// ready makes a loan ready for its key: identity verified, signed (by
// staff's hand here: the signing itself is tested on its own).
func (e *env) ready(id int64) hub.Loan {
	e.t.Helper()
	at := e.now.Add(-time.Hour)
	return e.change(id, func(l *hub.Loan) {
		l.IdentityStatus = hub.IdentityVerified
		l.SignedAt, l.SignedName, l.DocumentID = &at, "Иван Петров", "LA-TEST"
		if l.DepositStatus != hub.DepositNone {
			l.DepositStatus = hub.DepositHeld
		}
	})
}

// client is a browser on the loan's page: it opens it (getting the
// session cookie) and keeps the form's CSRF token.
type client struct {
	*apptest.Client
	base string
}

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	docField  = regexp.MustCompile(`name="document_id" value="([^"]+)"`)
)

func (e *env) open(token string) (*client, string) {
	e.t.Helper()
	c := &client{Client: apptest.NewAppClient(e.t, e.app), base: "/l/" + token}
	resp, page := c.Do(http.MethodGet, c.base, nil)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d\n%s", c.base, resp.StatusCode, page)
	}
	if m := csrfField.FindStringSubmatch(page); m != nil {
		c.CSRF = m[1]
	}
	return c, page
}

// page reads the loan page again.
func (c *client) page(t *testing.T) string {
	t.Helper()
	resp, page := c.Do(http.MethodGet, c.base, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", c.base, resp.StatusCode, page)
	}
	return page
}

// upload posts one identity photo.
func (c *client) upload(t *testing.T, kind, name string, data []byte) (*http.Response, string) {
	t.Helper()
	return c.Send(c.uploadRequest(t, kind, name, data))
}

// uploadRequest is the request of an identity photo, with the client's
// cookies, for a test that sends many at once.
func (c *client) uploadRequest(t *testing.T, kind, name string, data []byte) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", c.CSRF)
	_ = w.WriteField("kind", kind)
	if data != nil {
		part, err := w.CreateFormFile("photo", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, c.base+"/identity/photo", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	c.AddCookies(req)
	return req
}

// sendAll sends the requests at once and returns their statuses.
func (e *env) sendAll(reqs []*http.Request) []int {
	out := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := e.app.Test(req, -1)
			if err != nil {
				out[i] = -1
				return
			}
			resp.Body.Close()
			out[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	return out
}

// signForm is a complete signing of the page's agreement.
func signForm(page, name string, signature []byte) url.Values {
	form := url.Values{"name": {name}, "consent": {"yes"}, "signature": {dataURL(signature)}}
	if m := docField.FindStringSubmatch(page); m != nil {
		form.Set("document_id", m[1])
	}
	return form
}

func dataURL(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}

// signaturePNG is a transparent canvas with a dark stroke, as the page's
// canvas sends it.
func signaturePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		y := h/2 + (x%40-20)*h/100
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{16, 35, 63, 255})
		}
	}
	return encodePNG(t, img)
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// photoJPEG is a small real JPEG, different for each seed.
func photoJPEG(t testing.TB, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7 + seed*31)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mediaFiles lists the files in the media folder.
func (e *env) mediaFiles() []string {
	e.t.Helper()
	var out []string
	_ = filepath.WalkDir(e.dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, filepath.Base(path))
		}
		return nil
	})
	return out
}

// snapshot is what a refused form must leave as it was.
type snapshot struct {
	version  int64
	messages int
	changes  int
	files    int
	media    int
}

func (e *env) snapshot(id int64) snapshot {
	e.t.Helper()
	ctx := context.Background()
	msgs, err := e.st.Messages(ctx, e.f.Thread.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	changes, err := e.st.ChangesAfter(ctx, []int64{e.f.Branch.ID}, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	files, err := e.st.LoanIdentityFiles(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return snapshot{version: e.loan(id).Version, messages: len(msgs), changes: len(changes), files: len(files), media: len(e.mediaFiles())}
}

// wantStatus fails unless the answer is status and its page says text.
func wantStatus(t *testing.T, what string, resp *http.Response, page string, status int, text string) {
	t.Helper()
	if resp.StatusCode != status || !strings.Contains(page, text) {
		t.Errorf("%s: %d, want %d with %q:\n%s", what, resp.StatusCode, status, text, snippet(page))
	}
}

func snippet(page string) string {
	if len(page) > 3000 {
		return page[:3000] + "…"
	}
	return page
}

// texts of the page that tests look for, in Russian (the fixture's
// customers speak it).
const (
	ruTitle       = "Подменный автомобиль"
	ruReceived    = "получено ✓"
	ruFileType    = "Нужна фотография в формате JPEG, PNG, WebP или HEIC."
	ruTooBig      = "Файл слишком большой."
	ruClosed      = "Снимки для проверки личности больше не принимаются."
	ruSubmitted   = "Все снимки получены. Сотрудник сервиса сверит их и подтвердит личность"
	ruSigned      = "Договор подписан."
	ruSignedTwice = "Договор уже подписан."
	ruChanged     = "Сервис изменил договор, пока вы его читали."
	ruNotOffered  = "Этот договор больше нельзя подписать."
	ruNameBad     = "Напишите фамилию и имя буквами."
	ruConsent     = "Отметьте согласие с договором."
	ruSignBad     = "Подпись не получена."
	ruExpired     = "Форма устарела."
)

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
