package app_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// The car's photos in the whole hub: both upload routes sit behind the
// body gate, so a phone's photo over the small default reaches them (the
// customer's with the link's session, staff's signed in), and one over
// every limit comes back to the loan page in words.
func TestLoanCarPhotosInTheHub(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		l, token := loanOffer(t, h)
		at := time.Now().UTC()
		if _, err := h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error {
			x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &at, "Иван Петров", "D-1"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		customer := h.NewClient(t)
		_, page := customer.Do(http.MethodGet, "/l/"+token, nil)
		m := loanCSRF.FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `id="car-pickup"`) {
			t.Fatalf("the ready loan's page has no car photos:\n%s", page)
		}
		big := append(loanJPEG(t), bytes.Repeat([]byte{0}, 300<<10)...)
		send := func(c *apptest.Client, path, csrf, set, kind string, data []byte) *http.Response {
			t.Helper()
			var form bytes.Buffer
			mw := multipart.NewWriter(&form)
			_ = mw.WriteField("csrf", csrf)
			_ = mw.WriteField("set", set)
			_ = mw.WriteField("kind", kind)
			fw, _ := mw.CreateFormFile("photo", "car.jpg")
			_, _ = fw.Write(data)
			_ = mw.Close()
			req := httptest.NewRequest(http.MethodPost, path, &form)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			c.AddCookies(req)
			resp := h.Do(t, req)
			resp.Body.Close()
			return resp
		}
		if resp := send(customer, "/l/"+token+"/car/photo", m[1], hub.CarPhotoPickup, hub.CarPhotoFront, big); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/l/"+token+"?ok=photo_ok#car-pickup" {
			t.Errorf("a 300 KiB car photo from the page: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		huge := append(loanJPEG(t), bytes.Repeat([]byte{0}, int(h.Config.UploadMaxBytes)+(2<<20))...)
		if resp := send(customer, "/l/"+token+"/car/photo", m[1], hub.CarPhotoPickup, hub.CarPhotoBack, huge); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/l/"+token+"?err=file_too_big" {
			t.Errorf("a car photo over every limit: %d %q, want back to the page", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := send(h.NewClient(t), "/l/"+token+"/car/photo", m[1], hub.CarPhotoPickup, hub.CarPhotoLeft, big); resp.StatusCode == http.StatusSeeOther &&
			strings.Contains(resp.Header.Get("Location"), "ok=") {
			t.Error("a 300 KiB car photo without the link's session was taken")
		}

		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "anna", Name: "Анна", Role: store.RoleAdvisor,
			Password: "s3cret-pass-word", BranchIDs: []int64{h.Branch.ID}}, nil); err != nil {
			t.Fatal(err)
		}
		anna := h.NewClient(t).SignIn("anna", "s3cret-pass-word")
		path := fmt.Sprintf("/inbox/threads/%d/loans/%d/car-photos", l.ThreadID, l.ID)
		if resp := send(anna, path, anna.CSRF, hub.CarPhotoPickup, hub.CarPhotoFuel, big); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a 300 KiB car photo from the desk: %d", resp.StatusCode)
		}
		photos, err := h.Store.LoanCarPhotos(ctx, l.ID)
		if err != nil || len(photos) != 2 {
			t.Fatalf("stored car photos %+v %v, want the two within the limits", photos, err)
		}
	})
}
