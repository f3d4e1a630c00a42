//go:build linux || darwin

package station_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"naryad/hub"
	"naryad/hub/web/webtest"
	"naryad/internal/stripemock"
	"naryad/locker/kiosk"
	"naryad/payments/stripepay"
	"naryad/templates"
)

// Issue #20 done: a courtesy car from the offer to its return, at a
// Polish branch that takes payments through Stripe, checks identity with
// Stripe Identity, asks a 500 zł deposit and keeps keys in its locker. The
// operator sets the payments up with `naryad payments set`, the admin the
// cars on their pages; the advisor offers the car from the thread; staff
// put its key in at the kiosk; the customer opens their link on a phone,
// verifies on Stripe's page (the verdict comes by a signed webhook; a
// forged one is refused), draws their signature, types their name, ticks
// the consent and signs; the signed PDF reads back with the name and the
// plate; the key waits for the deposit, held on Stripe's page; the page
// then shows the pickup code, which opens the key's box on the simulated
// board; the loan is out; the return code sent takes the key back; the
// loan is returned, the advisor records the fuel and the odometer and
// takes 50 zł of the deposit for the fuel; the DMS reads each step.
func TestCourtesyCarFromOfferToReturnWithStripeIdentity(t *testing.T) {
	eachLoanRig(t, func(t *testing.T, r *loanRig) {
		const (
			number = "WA-2001"
			plate  = "WX 42424"
			signer = "Jan Paweł Kowalski"
		)
		payWebhook := setPayments(t, r.h, hub.ProviderStripe, stripeKey, stripeWhsec)
		r.addCar(plate, "Škoda Fabia")
		r.loanSettings(hub.IdentityStripe, "500")
		webhook := r.stripeIdentity()
		r.order(number)
		loanID, link := r.offer(number, plate)
		box := r.putKeyIn(loanID, plate+" Škoda Fabia")

		// The customer opens the link: identity first; no code for the key.
		p := r.phone(link)
		r.stripeHostedPages(p)
		if got := webtest.Must[float64](p, "document.documentElement.scrollWidth"); got > 360 {
			t.Errorf("the page is %v px wide at a 360 px viewport", got)
		}
		p.WaitFor("the key waits for the steps", `document.getElementById("key-wait") && !document.getElementById("pickup-code")`, "#key")

		// Stripe Identity: the button opens Stripe's page for a session of
		// this loan that comes back to the link.
		session := "vs_e2e_" + r.h.Backend.Name
		r.verificationSession(session)
		p.Submit("start the identity check", chromedp.Click("#identity-start"))
		p.WaitFor("Stripe's hosted page", `document.getElementById("stripe-hosted")`, "body")
		made := stripeCalls(r.mock, http.MethodPost, identityAt)
		if len(made) != 1 {
			t.Fatalf("%d verification sessions made, want 1", len(made))
		}
		f := made[0].Form
		if ref := fmt.Sprintf("loan-%d", loanID); f.Get("metadata[naryad_reference]") != ref || f.Get("client_reference_id") != ref ||
			f.Get("type") != "document" || f.Get("options[document][require_matching_selfie]") != "true" || f.Get("return_url") != link {
			t.Fatalf("the verification session asked: %v", f)
		}
		if auth := made[0].Header.Get("Authorization"); auth != "Bearer "+stripeKey {
			t.Fatalf("the session was made with %q, want the branch's Stripe payments key", auth)
		}

		// The customer finishes there: Stripe says processing, then verified.
		r.stripeSays(session, "processing", loanID)
		if code := r.identityEvent(webhook, identityWhsec, "evt_e2e_processing", "processing", session, loanID); code != http.StatusOK {
			t.Fatalf("the processing webhook: %d", code)
		}
		p.Submit("back from Stripe", chromedp.Click("#back"))
		p.WaitFor("the check is processing", `document.getElementById("identity-processing")`, "#identity")
		if code := r.identityEvent(webhook, "whsec_someone_else", "evt_e2e_forged", "verified", session, loanID); code != http.StatusBadRequest {
			t.Fatalf("a verified webhook signed with another secret: %d, want 400", code)
		}
		p.Open(link)
		p.WaitFor("still processing after the forged webhook", `document.getElementById("identity-processing")`, "#identity")
		r.stripeSays(session, "verified", loanID)
		if code := r.identityEvent(webhook, identityWhsec, "evt_e2e_verified", "verified", session, loanID); code != http.StatusOK {
			t.Fatalf("the verified webhook: %d", code)
		}
		p.Open(link)
		p.WaitFor("identity verified", `document.querySelector("#identity.step-done") && document.getElementById("sign-form")`, "main")

		// The agreement: name, signature drawn with pointer events, consent.
		p.Do("type the name", chromedp.SendKeys("#name", signer))
		p.DrawSignature("#signature-pad")
		p.WaitFor("the signature kept for the form", `document.getElementById("signature").value.startsWith("data:image/png;base64,")`, "#sign-form")
		p.Do("tick the consent", chromedp.Click(`input[name="consent"]`))
		p.Submit("sign", chromedp.Click("#sign"))
		p.WaitFor("signed", `document.getElementById("signed")`, "#agreement")

		// The signed PDF, as the customer downloads it and as 1C fetches it.
		pdfAt := webtest.Must[string](p, `document.getElementById("agreement-pdf").href`)
		pdf, _ := download(t, pdfAt, "")
		text := strings.Join(strings.Fields(webtest.PDFText(t, pdf)), " ")
		for _, want := range []string{signer, plate} {
			if !strings.Contains(text, want) {
				t.Errorf("the signed PDF's text lacks %q:\n%s", want, text)
			}
		}
		sum := sha256.Sum256(pdf)
		signed := loanChanges(t, r.h, number)
		if n := len(signed); n == 0 || signed[n-1].Event != hub.LoanEventSigned || signed[n-1].Agreement == nil ||
			signed[n-1].Agreement.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("the feed's last loan change is not the signature of this PDF: %+v", signed)
		}
		if fetched, _ := download(t, r.base+signed[len(signed)-1].Agreement.URL, r.h.Token); !bytes.Equal(fetched, pdf) {
			t.Fatal("1C fetches another PDF than the customer's")
		}

		// The key waits for the deposit: a card hold on Stripe's Checkout.
		p.WaitFor("the deposit next, no code yet", `document.getElementById("deposit-start") && document.getElementById("key-wait") && !document.getElementById("pickup-code")`, "main")
		checkout := "cs_e2e_deposit_" + r.h.Backend.Name
		r.mock.Patch(http.MethodPost, sessions, map[string]any{"id": checkout, "url": stripepay.HostedOrigin + "/c/pay/" + checkout,
			"status": "open", "payment_intent": nil})
		p.Submit("leave the deposit", chromedp.Click("#deposit-start"))
		p.WaitFor("Stripe's Checkout", `document.getElementById("stripe-hosted")`, "body")
		holds := stripeCalls(r.mock, http.MethodPost, sessions)
		if len(holds) != 1 || holds[0].Form.Get("payment_intent_data[capture_method]") != "manual" ||
			holds[0].Form.Get("line_items[0][price_data][unit_amount]") != "50000" || holds[0].Form.Get("line_items[0][price_data][currency]") != "pln" {
			t.Fatalf("the deposit's Checkout Sessions: %+v", holds)
		}
		pi := map[string]any{"id": "pi_" + checkout, "status": "requires_capture", "currency": "pln", "latest_charge": nil,
			"payment_method": map[string]any{"type": "card"}, "cancellation_reason": nil, "last_payment_error": nil}
		r.mock.Patch(http.MethodGet, sessions+"/"+checkout, map[string]any{"id": checkout, "status": "complete", "payment_status": "unpaid",
			"currency": "pln", "payment_intent": pi})
		held := stripemock.SessionEvent("evt_e2e_deposit", "checkout.session.completed", map[string]any{"id": checkout, "status": "complete",
			"payment_status": "unpaid", "currency": "pln", "payment_intent": "pi_" + checkout,
			"metadata": map[string]any{stripepay.MetadataPaymentID: holds[0].Form.Get("metadata[" + stripepay.MetadataPaymentID + "]")}})
		if code := postWebhook(t, r.base, payWebhook, stripemock.Signed(stripeWhsec, held, time.Now()), held); code != http.StatusOK {
			t.Fatalf("the deposit's webhook: %d", code)
		}
		p.Submit("back from Checkout", chromedp.Click("#back"))

		// Ready, and the key in the locker: the page shows the pickup code,
		// the same as the message sent.
		p.WaitFor("the deposit held", `document.querySelector("#deposit.step-done")`, "main")
		p.WaitFor("the pickup code", `/^\d{6}$/.test((document.getElementById("pickup-code") || {}).textContent || "")`, "#key")
		code := p.Text("#pickup-code")
		if sent := loanCodeIn(t, threadOf(t, r.h, number), templates.KeyLoanKeyPickup); sent != code {
			t.Fatalf("the page shows %s, the message carries %s", code, sent)
		}
		if !strings.Contains(p.Text("#key"), "Podwórze") {
			t.Errorf("the key step does not name the locker: %q", p.Text("#key"))
		}

		// At the kiosk the code opens the key's box; the car is out.
		k := r.k
		k.sync()
		if out := k.opens("pickup of the courtesy car's key", func() error { return k.enter(kiosk.ModePickup, code) }); out != box {
			t.Fatalf("the code opened box %d, the key is in box %d", out+1, box+1)
		}
		k.shut(box, false, kiosk.ScreenDone)
		k.e.Home()
		k.sync()
		p.Open(link)
		p.WaitFor("the car is out: the return step", `document.getElementById("due-back") && document.getElementById("return-sent")`, "main")

		// The customer brings it back with the return code they were sent.
		ret := loanCodeIn(t, threadOf(t, r.h, number), templates.KeyLoanKeyReturn)
		back := k.opens("return of the courtesy car's key", func() error { return k.enter(kiosk.ModeDropOff, ret) })
		k.shut(back, true, kiosk.ScreenDone)
		k.e.Home()
		k.sync()
		p.Open(link)
		p.WaitFor("the loan's end", `document.getElementById("final") && !document.getElementById("return")`, "main")
		if n := sentCount(threadOf(t, r.h, number), templates.KeyLoanKeyReturned); n != 1 {
			t.Fatalf("%d thanks for the key, want 1", n)
		}

		// Staff read the gauge and the odometer and record them on the card.
		thread := r.thread(number)
		resp, body := r.advisor.Post(fmt.Sprintf("%s/loans/%d/return", thread, loanID), url.Values{"fuel": {"5"}, "odometer": {"41 612"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the readings at the return: %d\n%s", resp.StatusCode, body)
		}
		if _, page := r.advisor.Do(http.MethodGet, thread, nil); !strings.Contains(page, "Less fuel than at the handover: 5/8 instead of 6/8.") {
			t.Errorf("the card does not say the car came back with less fuel")
		}
		capture := "/v1/payment_intents/pi_" + checkout + "/capture"
		r.mock.Patch(http.MethodPost, capture, map[string]any{"status": "succeeded", "currency": "pln", "amount_received": 5000,
			"latest_charge": nil, "payment_method": map[string]any{"type": "card"}})
		resp, body = r.advisor.Post(fmt.Sprintf("/inbox/loans/%d/deposit", loanID), url.Values{"action": {"capture"}, "amount": {"50,00"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("take 50 zł of the deposit: %d\n%s", resp.StatusCode, body)
		}
		if sent := stripeCalls(r.mock, http.MethodPost, capture); len(sent) != 1 || sent[0].Form.Get("amount_to_capture") != "5000" {
			t.Fatalf("captures asked of Stripe: %+v", sent)
		}
		if paid := changesOf(t, r.h, hub.ChangePayment, number); len(paid) != 1 || paid[0].Data["kind"] != hub.PaymentForLoanDeposit ||
			paid[0].Data["amount_minor"] != float64(5000) || paid[0].Data["currency"] != "PLN" {
			t.Fatalf("the DMS's payment changes: %+v", paid)
		}
		p.Open(link)
		p.WaitFor("the end says the deposit was taken", `document.getElementById("final").textContent.includes("Z kaucji pobrano")`, "main")

		// The DMS read every step, the last with the readings.
		changes := loanChanges(t, r.h, number)
		// returned twice (when the key was dropped off, and with the
		// readings), then closed by the deposit's settlement.
		if got := events(changes); got != "offered verified signed deposit_held out returned returned closed" {
			t.Fatalf("the DMS's loan changes: %s", got)
		}
		for _, c := range changes {
			if c.LoanID != loanID || c.Car.Plate != plate || c.FuelEighths != 6 || c.OdometerKm != 41250 || c.CustomerName != "Jan Kowalski" ||
				c.DepositMinor != 50000 || c.DepositCurrency != "PLN" {
				t.Fatalf("a loan change of another loan or with other facts: %+v", c)
			}
		}
		for _, c := range changes[len(changes)-2:] {
			if c.IdentityStatus != hub.IdentityVerified || c.Agreement == nil ||
				c.ReturnFuelEighths == nil || *c.ReturnFuelEighths != 5 || c.ReturnOdometerKm == nil || *c.ReturnOdometerKm != 41612 {
				t.Fatalf("a loan change after the readings: %+v", c)
			}
		}
		if last := changes[len(changes)-1]; last.State != hub.LoanClosed || last.DepositStatus != hub.DepositCaptured {
			t.Fatalf("the last loan change: %+v", last)
		}
	})
}

// Issue #20's manual identity check, at a branch that checks papers by
// hand: the customer takes the five photos on their phone (never shown
// back on the page); the advisor sees them on the loan's card and approves
// (the page moves on to the agreement, the DMS reads `verified`), or
// refuses with a reason (the page shows the end and no code for the key
// staff had already put in the locker; the customer reads the reason; the
// DMS reads `identity_refused`; the photos never reach the DMS).
func TestCourtesyCarManualCheckApprovedOrRefused(t *testing.T) {
	eachLoanRig(t, func(t *testing.T, r *loanRig) {
		const (
			approved, refused = "WA-2101", "WA-2102"
			reason            = "Zdjęcie prawa jazdy jest nieczytelne."
		)
		r.addCar("WX 11111", "Toyota Yaris")
		r.addCar("WX 22222", "Kia Rio")
		r.loanSettings(hub.IdentityManual, "")
		r.order(approved)
		r.order(refused)
		photos := idPhotos(t)

		// Approved.
		loanA, linkA := r.offer(approved, "WX 11111")
		pa := r.phone(linkA)
		sendPhotos(pa, photos)
		if n := webtest.Must[float64](pa, `document.querySelectorAll("img").length`); n != 0 {
			t.Errorf("the customer's page shows %v pictures; the photos are for staff only", n)
		}
		thread := r.thread(approved)
		_, card := r.advisor.Do(http.MethodGet, thread, nil)
		for _, kind := range hub.IDPhotoKinds() {
			if at := fmt.Sprintf("/inbox/loans/%d/identity/%s", loanA, kind); !strings.Contains(card, `src="`+at+`"`) {
				t.Fatalf("the card does not show the photo %s", kind)
			}
		}
		resp, shown := r.advisor.Do(http.MethodGet, fmt.Sprintf("/inbox/loans/%d/identity/%s", loanA, hub.IDPhotoSelfie), nil)
		if want, _ := os.ReadFile(photos[hub.IDPhotoSelfie]); resp.StatusCode != http.StatusOK || shown != string(want) ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("the selfie for the advisor: %d, %d bytes, %q", resp.StatusCode, len(shown), resp.Header.Get("Cache-Control"))
		}
		told := sentTo(threadOf(t, r.h, approved))
		resp, body := r.advisor.Post(fmt.Sprintf("%s/loans/%d/identity/approve", thread, loanA), url.Values{"version": {reviewVersion(t, card, loanA)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
		}
		if n := sentTo(threadOf(t, r.h, approved)); n != told+1 {
			t.Fatalf("%d messages to the customer on the approval, want 1", n-told)
		}
		pa.Open(linkA)
		pa.WaitFor("identity approved, the agreement next", `document.querySelector("#identity.step-done") && document.getElementById("sign-form") && document.getElementById("key-wait")`, "main")
		if got := loanChanges(t, r.h, approved); events(got) != "offered verified" || got[1].IdentityStatus != hub.IdentityVerified {
			t.Fatalf("the DMS's loan changes of the approved loan: %+v", got)
		}

		// Refused, with the key already in the locker.
		loanB, linkB := r.offer(refused, "WX 22222")
		r.putKeyIn(loanB, "WX 22222 Kia Rio")
		pb := r.phone(linkB)
		sendPhotos(pb, photos)
		thread = r.thread(refused)
		_, card = r.advisor.Do(http.MethodGet, thread, nil)
		resp, body = r.advisor.Post(fmt.Sprintf("%s/loans/%d/identity/refuse", thread, loanB),
			url.Values{"version": {reviewVersion(t, card, loanB)}, "reason": {reason}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("refuse: %d\n%s", resp.StatusCode, body)
		}
		pb.Open(linkB)
		pb.WaitFor("the end, and no key", `document.getElementById("final") && !document.getElementById("key") && !document.getElementById("pickup-code") && !document.getElementById("sign-form") && !document.getElementById("identity")`, "main")
		msgs := threadOf(t, r.h, refused)
		if last := lastOut(msgs); !strings.Contains(last, reason) {
			t.Fatalf("the customer was not told the reason; last message %q", last)
		}
		if n := sentCount(msgs, templates.KeyLoanKeyPickup); n != 0 {
			t.Fatalf("%d pickup codes sent for a refused loan", n)
		}
		got := loanChanges(t, r.h, refused)
		if events(got) != "offered identity_refused" || got[1].State != hub.LoanRefused || got[1].IdentityStatus != hub.IdentityRefused {
			t.Fatalf("the DMS's loan changes of the refused loan: %+v", got)
		}
		for _, c := range changesOf(t, r.h, hub.ChangeLoan, refused) {
			if raw, _ := json.Marshal(c.Data); strings.Contains(string(raw), "identity/") || strings.Contains(string(raw), "selfie") {
				t.Fatalf("an identity photo in the DMS feed: %s", raw)
			}
		}
	})
}

// sentTo counts the messages to the customer in a thread.
func sentTo(msgs []hub.Message) int {
	n := 0
	for _, m := range msgs {
		if m.Direction == hub.DirectionOut {
			n++
		}
	}
	return n
}

// lastOut is the last message to the customer.
func lastOut(msgs []hub.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == hub.DirectionOut {
			return msgs[i].Body
		}
	}
	return ""
}
