package inbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
)

// Fifteen withdrawals of one offer at once: one withdraws it (one line,
// one message, one change, one audit row), the rest are told it is
// withdrawn already; the car is available.
func TestLoanAttackFifteenWithdrawals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		before := w.counts(t)
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			reqs[i] = loanRequest(anna, fmt.Sprintf("%s/loans/%d/withdraw", w.url, l.ID))
		}
		n := tally(t, "withdraw", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)
		after := w.counts(t)
		if n[http.StatusSeeOther] != 1 || after.changes-before.changes != 1 || after.outbox-before.outbox != 1 ||
			after.audit-before.audit != 1 || after.messages-before.messages != 2 || after.carState != hub.CarAvailable {
			t.Fatalf("15 withdrawals: %v, %+v after %+v", n, after, before)
		}
		if got := w.onlyLoan(t); got.State != hub.LoanWithdrawn {
			t.Fatalf("loan %s", got.State)
		}
	})
}

// Approvals and refusals of the same photos at once: exactly one of them
// is made, and the car follows it (reserved when approved, available when
// refused).
func TestLoanAttackApproveAndRefuseAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		w.submitPhotos(t, l)
		version := strconv.FormatInt(w.onlyLoan(t).Version, 10)
		before := w.counts(t)
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			if i%2 == 0 {
				reqs[i] = loanRequest(anna, fmt.Sprintf("%s/loans/%d/identity/approve", w.url, l.ID), "version", version)
			} else {
				reqs[i] = loanRequest(anna, fmt.Sprintf("%s/loans/%d/identity/refuse", w.url, l.ID), "version", version, "reason", "размыто")
			}
		}
		n := tally(t, "review", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)
		after, got := w.counts(t), w.onlyLoan(t)
		if n[http.StatusSeeOther] != 1 || after.changes-before.changes != 1 || after.outbox-before.outbox != 1 || after.audit-before.audit != 1 {
			t.Fatalf("15 reviews: %v, %+v after %+v", n, after, before)
		}
		switch {
		case got.State == hub.LoanOffered && got.IdentityStatus == hub.IdentityVerified && after.carState == hub.CarReserved:
		case got.State == hub.LoanRefused && got.IdentityStatus == hub.IdentityRefused && after.carState == hub.CarAvailable:
		default:
			t.Fatalf("loan %s/%s with the car %s", got.State, got.IdentityStatus, after.carState)
		}
	})
}

var (
	customerCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	customerDoc  = regexp.MustCompile(`name="document_id" value="([^"]+)"`)
)

// signatureDataURL is a drawn signature as the loan page's canvas posts it.
func signatureDataURL(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for x := 10; x < 290; x++ {
		for d := -2; d <= 2; d++ {
			img.Set(x, 50+(x%30-15)+d, color.NRGBA{16, 35, 63, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

// The customer signs on their page while the advisor withdraws the offer,
// fifteen times each at once: the loan is withdrawn either way, with the
// car available; a signature lands only before the withdrawal (its
// `signed` change before `withdrawn`), never after, and at most once.
func TestLoanAttackSignRacesWithdraw(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		if err := h.Store.SetLoanSettings(ctx, hub.DefaultLoanSettings(w.a.BranchID)); err != nil {
			t.Fatal(err)
		}
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		link := loanLink.FindStringSubmatch(w.lastOutbox(t).Body)
		if link == nil {
			t.Fatal("no link in the offer's message")
		}
		customer := h.NewClient(t)
		resp, page := customer.Do(http.MethodGet, "/l/"+link[1], nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the customer's page: %d", resp.StatusCode)
		}
		csrf, doc := customerCSRF.FindStringSubmatch(page), customerDoc.FindStringSubmatch(page)
		if csrf == nil || doc == nil {
			t.Fatal("no signing form")
		}
		sign := url.Values{"csrf": {csrf[1]}, "document_id": {doc[1]}, "name": {"Иван Петров"}, "consent": {"yes"}, "signature": {signatureDataURL(t)}}
		var reqs []*http.Request
		for i := 0; i < 15; i++ {
			req := httptest.NewRequest(http.MethodPost, "/l/"+link[1]+"/sign", strings.NewReader(sign.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			customer.AddCookies(req)
			reqs = append(reqs, req, loanRequest(anna, fmt.Sprintf("%s/loans/%d/withdraw", w.url, l.ID)))
		}
		before := w.counts(t)
		tally(t, "sign or withdraw", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)
		got, after := w.onlyLoan(t), w.counts(t)
		events := w.loanEvents(t)
		if got.State != hub.LoanWithdrawn || after.carState != hub.CarAvailable {
			t.Fatalf("loan %s, car %s", got.State, after.carState)
		}
		switch strings.Join(events, " ") {
		case "offered withdrawn":
			if got.Signed() {
				t.Fatal("signed without a signed change")
			}
		case "offered signed withdrawn":
			if !got.Signed() {
				t.Fatal("a signed change without a signature")
			}
		default:
			t.Fatalf("loan changes %v", events)
		}
		if after.changes-before.changes != int64(len(events)-1) {
			t.Fatalf("%d changes for %v", after.changes-before.changes, events)
		}
	})
}
