package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
)

// loanOffer is a loan offered on a pushed work order's thread, with its
// link's token: what the offer would send the customer.
func loanOffer(t *testing.T, h *apptest.Hub) (hub.Loan, string) {
	t.Helper()
	ctx := context.Background()
	h.PushWorkOrder(t, "wo-loan-1", "ЗН-77", 1, "В работе", nil)
	th := h.Thread(t, "ЗН-77")
	car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "А 777 АА 77", Model: "Škoda Rapid", Fuel: hub.FuelPetrol}
	if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	token, err := hub.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Minute)
	l := hub.Loan{BranchID: h.Branch.ID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID, TokenHash: hub.HashToken(token),
		Locale: "ru", CustomerName: "Иван Петров", CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
		FuelEighths: 8, OdometerKm: 30000, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := h.Store.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l, token
}

var (
	loanCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	loanDoc  = regexp.MustCompile(`name="document_id" value="([^"]+)"`)
)

// The loan page in the whole hub, over a socket: its photo and signature
// routes sit behind the body gate (a live link's session may send a
// photo over the small default, nobody else may; one over every limit
// comes back to the page in words), and the signed agreement reaches the
// DMS by its hash through the exchange's file route.
func TestLoanPageInTheHub(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		base := h.Listen(t)
		l, token := loanOffer(t, h)
		page := base + "/l/" + token
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(c *http.Client, u string) (*http.Response, string) {
			t.Helper()
			resp, err := c.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		resp, body := get(browser, page)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Подменный автомобиль") {
			t.Fatalf("GET the loan page: %d\n%s", resp.StatusCode, body)
		}
		// Its stylesheet and script are served (under a prefix no other
		// surface uses).
		for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
			if resp, _ := get(browser, base+m[1]); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", m[1], resp.StatusCode)
			}
		}
		csrf := loanCSRF.FindStringSubmatch(body)[1]
		docID := loanDoc.FindStringSubmatch(body)[1]

		photo := func(c *http.Client, extra int) *http.Response {
			t.Helper()
			var form bytes.Buffer
			mw := multipart.NewWriter(&form)
			_ = mw.WriteField("csrf", csrf)
			_ = mw.WriteField("kind", hub.IDPhotoIDFront)
			fw, _ := mw.CreateFormFile("photo", "id.jpg")
			_, _ = fw.Write(append(loanJPEG(t), bytes.Repeat([]byte{0}, extra)...))
			_ = mw.Close()
			req, _ := http.NewRequest(http.MethodPost, page+"/identity/photo", &form)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}
		// Refused unread: the head and the first bytes only (the hub closes
		// the connection), without the session, and over every limit with it.
		refusedUnread := func(cookie string, declared int) *http.Response {
			t.Helper()
			header := map[string]string{"Content-Type": "multipart/form-data; boundary=x", "Content-Length": strconv.Itoa(declared)}
			if cookie != "" {
				header["Cookie"] = cookie
			}
			conn, r := sendHead(t, base, http.MethodPost, "/l/"+token+"/identity/photo", header, make([]byte, 16<<10))
			return readAnswer(t, conn, r)
		}
		if resp := refusedUnread("", 300<<10); resp.StatusCode != http.StatusRequestEntityTooLarge &&
			!(resp.StatusCode == http.StatusSeeOther && strings.HasSuffix(resp.Header.Get("Location"), "?err=file_too_big")) {
			t.Errorf("a 300 KiB photo without the session: %d %q, want refused unread", resp.StatusCode, resp.Header.Get("Location"))
		}
		u, _ := url.Parse(page)
		var session string
		for _, ck := range jar.Cookies(u) {
			session = ck.Name + "=" + ck.Value
		}
		if resp := refusedUnread(session, h.Config.UploadMaxBytes+(2<<20)); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/l/"+token+"?err=file_too_big" {
			t.Errorf("a photo over every limit: %d %q, want back to the page", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := photo(browser, 300<<10); resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?ok=photo_ok#identity") {
			t.Errorf("a 300 KiB photo with the session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := get(browser, page+"?err=file_too_big"); !strings.Contains(body, "Файл слишком большой.") {
			t.Error("the page does not say the file was too large")
		}
		files, _ := h.Store.LoanIdentityFiles(context.Background(), l.ID)
		if len(files) != 1 {
			t.Errorf("%d photos stored, want the one within the limits", len(files))
		}

		// Sign, then fetch the PDF as 1C would.
		form := url.Values{"csrf": {csrf}, "document_id": {docID}, "name": {"Иван Петров"}, "consent": {"yes"},
			"signature": {"data:image/png;base64," + base64.StdEncoding.EncodeToString(loanSignature(t))}}
		resp, err := browser.PostForm(page+"/sign", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d", resp.StatusCode)
		}
		signed, _ := h.Store.Loan(context.Background(), l.ID)
		req, _ := http.NewRequest(http.MethodGet, base+"/api/dms/v1/changes?after=0", nil)
		req.Header.Set("Authorization", "Bearer "+h.Token)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var feed struct {
			Changes []struct {
				Type string
				Data json.RawMessage
			}
		}
		_ = json.NewDecoder(resp.Body).Decode(&feed)
		resp.Body.Close()
		fileURL := ""
		for _, c := range feed.Changes {
			var d hub.LoanData
			if c.Type == hub.ChangeLoan && json.Unmarshal(c.Data, &d) == nil && d.Event == hub.LoanEventSigned && d.Agreement != nil {
				fileURL = d.Agreement.URL
			}
		}
		if fileURL != hub.DMSFileURL(signed.AgreementSHA256) {
			t.Fatalf("the feed's signed change names %q, want %q", fileURL, hub.DMSFileURL(signed.AgreementSHA256))
		}
		req, _ = http.NewRequest(http.MethodGet, base+fileURL, nil)
		req.Header.Set("Authorization", "Bearer "+h.Token)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("DMS file: %d %q", resp.StatusCode, pdf[:min(len(pdf), 40)])
		}
		// The identity photo is not a file 1C can fetch.
		req, _ = http.NewRequest(http.MethodGet, base+hub.DMSFileURL(files[0].SHA256), nil)
		req.Header.Set("Authorization", "Bearer "+h.Token)
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("DMS fetch of an identity photo: %d, want 404", resp.StatusCode)
		}
	})
}

func loanJPEG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 32, 24)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// loanSignature is a drawn stroke on a transparent canvas.
func loanSignature(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	for x := 0; x < 600; x++ {
		for d := -2; d <= 2; d++ {
			img.Set(x, 100+(x%40-20)*2+d, color.NRGBA{16, 35, 63, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
