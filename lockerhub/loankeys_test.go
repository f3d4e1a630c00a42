package lockerhub_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/loan"
	"naryad/lockerhub"
	"naryad/lockerwire"
	"naryad/templates"
)

// lend offers the courtesy car "WA 12345" to the customer of work order
// number, as an advisor's offer does, and returns the loan.
func lend(t *testing.T, h *apptest.Hub, number string) hub.Loan {
	t.Helper()
	ctx := t.Context()
	car := hub.CourtesyCar{BranchID: h.Branch.ID, Plate: "WA 12345", Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
	if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	w := order(t, h, number)
	at := time.Now().UTC().Truncate(time.Second)
	l := hub.Loan{BranchID: h.Branch.ID, ThreadID: h.Thread(t, number).ID, WorkOrderID: &w.ID, CarID: car.ID,
		TokenHash: hub.HashToken("loan-token-" + number), Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567",
		HandoverAt: at, DueBackAt: at.Add(48 * time.Hour), FuelEighths: 8, OdometerKm: 12000,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := h.Store.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// ready verifies the customer and signs the agreement, as the identity
// check and the customer's page do: the loan is Ready (no deposit asked).
func ready(t *testing.T, h *apptest.Hub, l hub.Loan) hub.Loan {
	t.Helper()
	got, err := h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventVerified, func(x *hub.Loan) error {
		x.IdentityStatus = hub.IdentityVerified
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
		at := time.Now().UTC()
		x.SignedAt, x.SignedName, x.DocumentID = &at, "Иван Петров", "doc-1"
		return nil
	})
	if err != nil || !got.Ready() {
		t.Fatalf("ready loan: %+v %v", got, err)
	}
	return got
}

func loanOf(t *testing.T, h *apptest.Hub, id int64) hub.Loan {
	t.Helper()
	l, err := h.Store.Loan(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// loanEvents lists the events of the loan's `loan` changes in the feed.
func loanEvents(t *testing.T, h *apptest.Hub, id int64) []string {
	t.Helper()
	changes, err := h.Store.ChangesAfter(t.Context(), []int64{h.Branch.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range changes {
		if c.Type != hub.ChangeLoan {
			continue
		}
		var d hub.LoanData
		if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
			t.Fatal(err)
		}
		if d.LoanID == id {
			out = append(out, d.Event)
		}
	}
	return out
}

// loanCode finds the code in the Russian loan texts ("… введите код 123456.").
var loanCode = regexp.MustCompile(`код (\d{6})\.`)

// loanCodeIn returns the code of the last message with key.
func loanCodeIn(t *testing.T, msgs []hub.Message, key string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].TemplateKey == key {
			m := loanCode.FindStringSubmatch(msgs[i].Body)
			if m == nil {
				t.Fatalf("%s carries no code: %q", key, msgs[i].Body)
			}
			return m[1]
		}
	}
	t.Fatalf("no %s message", key)
	return ""
}

// loanEntry is the loan's key in a sync answer; ok false when absent.
func loanEntry(resp lockerwire.SyncResponse, id int64) (lockerwire.WorkOrder, bool) {
	for _, w := range resp.WorkOrders {
		if w.ID == lockerwire.LoanKeysID(id) {
			return w, true
		}
	}
	return lockerwire.WorkOrder{}, false
}

// The whole course at the locker: no code before the loan is ready; staff
// put the key in; the ready loan's code is issued once, reaches the kiosk
// and the customer; taking the key moves the loan out (a `loan` change)
// and sends the return code; the key dropped off with it moves the loan
// returned.
func TestLoanKeyThroughTheLocker(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		keys := h.Server.LoanKeys()
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := lend(t, h, "ЛК-101")
		id := lockerwire.LoanKeysID(l.ID)
		box := k.boxes[1]

		// Offered, not ready: the kiosk knows the key is wanted, with no code.
		if _, err := keys.PickupCode(ctx, l); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("pickup code of a loan not ready: %v, want ErrNotReady", err)
		}
		resp := k.sync(t, lockerwire.SyncRequest{})
		e, ok := loanEntry(resp, l.ID)
		if !ok || !e.Ready || e.Paid || e.PickupHash != "" || e.DropOffHash != "" || e.OrderKeyHash != "" || e.Number != "WA 12345 Škoda Fabia" {
			t.Fatalf("the kiosk's entry of an offered loan: %+v (listed %v)", e, ok)
		}
		// The caller's copy is never trusted: a Ready copy of a loan that
		// is not gets nothing.
		forged := l
		forged.IdentityStatus, forged.SignedAt = hub.IdentityVerified, &l.CreatedAt
		if _, err := keys.PickupCode(ctx, forged); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("pickup code for a forged ready copy: %v, want ErrNotReady", err)
		}

		// Staff put the key in from the staff menu.
		back := event("ev-in", lockerwire.EventKeysReturned, box, id)
		back.Actor = "staff:olga"
		resp = k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{back}, Compartments: k.holding(box, lockerwire.StateReady, id)})
		if e, ok := loanEntry(resp, l.ID); !ok || e.Ready || e.PickupHash != "" {
			t.Fatalf("the key in, the loan not ready: entry %+v (listed %v); want no longer wanted, no code", e, ok)
		}
		if got := sent(thread(t, h, "ЛК-101")); count(got, templates.KeyLoanKeyPickup) != 0 {
			t.Fatalf("a code went out for a loan not ready: %v", got)
		}

		// Verified and signed: the page asks for the code.
		l = ready(t, h, l)
		code, err := keys.PickupCode(ctx, l)
		if err != nil || len(code.Code) != 6 || code.SiteName != "Main" || !code.ExpiresAt.After(time.Now().Add(lockerhub.LoanCodeTTL-time.Hour)) {
			t.Fatalf("pickup code: %+v %v", code, err)
		}
		msgs := thread(t, h, "ЛК-101")
		if got := loanCodeIn(t, msgs, templates.KeyLoanKeyPickup); got != code.Code {
			t.Fatalf("the message carries %s, the page got %s", got, code.Code)
		}
		if !strings.Contains(msgs[len(msgs)-1].Body, "WA 12345") {
			t.Fatalf("the code's message does not name the car: %q", msgs[len(msgs)-1].Body)
		}
		again, err := keys.PickupCode(ctx, l)
		if err != nil || again.Code != "" || !again.ExpiresAt.Equal(code.ExpiresAt) {
			t.Fatalf("pickup code asked again: %+v %v; want no code (it was sent) and the same expiry", again, err)
		}
		if got := sent(thread(t, h, "ЛК-101")); count(got, templates.KeyLoanKeyPickup) != 1 {
			t.Fatalf("messages %v; want one %s", got, templates.KeyLoanKeyPickup)
		}
		resp = k.sync(t, lockerwire.SyncRequest{Compartments: k.holding(box, lockerwire.StateReady, id)})
		if e, _ := loanEntry(resp, l.ID); !e.Paid || !lockerwire.Matches(e.PickupHash, e.PickupSalt, code.Code) {
			t.Fatalf("the kiosk cannot match the code sent: %+v", e)
		}
		if _, err := keys.ReturnCode(ctx, l); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("return code of a loan not out: %v, want ErrNotReady", err)
		}

		// The customer takes the key with the code.
		taken := event("ev-out", lockerwire.EventKeysCollected, box, id)
		taken.OccurredAt = time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
		resp = k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{taken}, Compartments: k.holding(k.boxes[0], lockerwire.StateFree, 0)})
		got := loanOf(t, h, l.ID)
		if got.State != hub.LoanOut || got.OutAt == nil || !got.OutAt.Equal(taken.OccurredAt) {
			t.Fatalf("loan after the key was taken: state %s, out at %v; want out at %v", got.State, got.OutAt, taken.OccurredAt)
		}
		if car, _ := h.Store.CourtesyCar(ctx, h.Branch.ID, l.CarID); car.State != hub.CarOut {
			t.Fatalf("the car is %s after the key was taken", car.State)
		}
		if ev := loanEvents(t, h, l.ID); strings.Join(ev, ",") != "offered,verified,signed,out" {
			t.Fatalf("loan changes %v", ev)
		}
		e, _ = loanEntry(resp, l.ID)
		if e.PickupHash != "" || e.Ready || e.Paid {
			t.Fatalf("the pickup code lives on after the key left: %+v", e)
		}
		msgs = thread(t, h, "ЛК-101")
		ret := loanCodeIn(t, msgs, templates.KeyLoanKeyReturn)
		if !lockerwire.Matches(e.DropOffHash, e.DropOffSalt, ret) {
			t.Fatalf("the kiosk cannot match the return code sent: %+v", e)
		}
		if n := count(notes(msgs), "The customer took the key of courtesy car WA 12345 from locker «Main», box 2: the car is out."); n != 1 {
			t.Fatalf("thread lines %q", notes(msgs))
		}
		if rc, err := keys.ReturnCode(ctx, got); err != nil || rc.Code != "" || rc.SiteName != "Main" {
			t.Fatalf("return code asked after it was sent: %+v %v", rc, err)
		}
		if _, err := keys.PickupCode(ctx, got); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("pickup code of a loan out: %v, want ErrNotReady", err)
		}

		// The car comes back: the key is dropped off with the return code.
		home := event("ev-back", lockerwire.EventKeysReceived, k.boxes[2], id)
		for range 2 { // a lost answer: the same batch again changes nothing
			resp = k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{home}, Compartments: k.holding(k.boxes[2], lockerwire.StateHeld, id)})
		}
		got = loanOf(t, h, l.ID)
		if got.State != hub.LoanReturned || got.ReturnedAt == nil || got.ReturnFuelEighths != nil || got.ReturnOdometerKm != nil {
			t.Fatalf("loan after the key came back: %+v", got)
		}
		if ev := loanEvents(t, h, l.ID); strings.Join(ev, ",") != "offered,verified,signed,out,returned" {
			t.Fatalf("loan changes %v", ev)
		}
		if e, ok := loanEntry(resp, l.ID); !ok || e.DropOffHash != "" || e.Ready {
			t.Fatalf("the key back in box 18: entry %+v (listed %v); want it listed (the box holds it) without a code", e, ok)
		}
		if got := sent(thread(t, h, "ЛК-101")); count(got, templates.KeyLoanKeyReturned) != 1 || count(got, templates.KeyLoanKeyReturn) != 1 {
			t.Fatalf("messages %v", got)
		}
		boxes, err := h.Store.LockerCompartments(ctx, k.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b := boxes[2]; b.LoanID == nil || *b.LoanID != l.ID || b.WorkOrderID != nil {
			t.Fatalf("box 18 as the hub keeps it: %+v", b)
		}
		events, err := h.Store.LockerEvents(ctx, []int64{k.site.ID}, 10)
		if err != nil || len(events) != 3 || events[0].LoanID == nil || *events[0].LoanID != l.ID || events[0].WorkOrderID != nil {
			t.Fatalf("stored events %+v %v", events, err)
		}
	})
}

// Staff put the key in after the loan is ready: the code goes out at once.
func TestLoanKeyPutInWhenReadySendsTheCode(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := ready(t, h, lend(t, h, "ЛК-101"))
		id := lockerwire.LoanKeysID(l.ID)
		if _, err := h.Server.LoanKeys().PickupCode(t.Context(), l); !errors.Is(err, loan.ErrKeyNotInLocker) {
			t.Fatalf("pickup code before the key is in: %v, want ErrKeyNotInLocker", err)
		}
		resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-in", lockerwire.EventKeysReturned, k.boxes[0], id)},
			Compartments: k.holding(k.boxes[0], lockerwire.StateReady, id)})
		code := loanCodeIn(t, thread(t, h, "ЛК-101"), templates.KeyLoanKeyPickup)
		if e, _ := loanEntry(resp, l.ID); !lockerwire.Matches(e.PickupHash, e.PickupSalt, code) {
			t.Fatalf("the kiosk cannot match the code sent: %+v", e)
		}
		if c, err := h.Server.LoanKeys().PickupCode(t.Context(), l); err != nil || c.Code != "" {
			t.Fatalf("the page asks after the code went out: %+v %v", c, err)
		}
	})
}

// A loan withdrawn after its code went out: the kiosk is no longer told
// the code, and a kiosk that still had it (offline) and let the key go
// does not move the loan; staff get a line to act on.
func TestLoanKeyCodeStopsWhenTheLoanIsWithdrawn(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := ready(t, h, lend(t, h, "ЛК-101"))
		id := lockerwire.LoanKeysID(l.ID)
		box := k.boxes[0]
		resp := k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-in", lockerwire.EventKeysReturned, box, id)},
			Compartments: k.holding(box, lockerwire.StateReady, id)})
		if e, _ := loanEntry(resp, l.ID); e.PickupHash == "" {
			t.Fatalf("no code for a ready loan with its key in: %+v", e)
		}

		// The advisor withdraws the offer (the OFFER flow's ChangeLoan).
		if _, err := h.Store.ChangeLoan(t.Context(), l.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error {
			x.State = hub.LoanWithdrawn
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		resp = k.sync(t, lockerwire.SyncRequest{Compartments: k.holding(box, lockerwire.StateReady, id)})
		e, ok := loanEntry(resp, l.ID)
		if !ok || e.PickupHash != "" || e.Paid || e.Ready {
			t.Fatalf("withdrawn loan's entry %+v (listed %v): want it listed (its key is in box 1) with no code", e, ok)
		}
		if _, err := h.Server.LoanKeys().PickupCode(t.Context(), l); !errors.Is(err, loan.ErrNotReady) {
			t.Fatalf("pickup code of a withdrawn loan: %v, want ErrNotReady", err)
		}

		// An offline kiosk had the code and the key left: recorded, the
		// loan stays withdrawn, staff are told.
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-out", lockerwire.EventKeysCollected, box, id)},
			Compartments: k.holding(k.boxes[1], lockerwire.StateFree, 0)})
		if got := loanOf(t, h, l.ID); got.State != hub.LoanWithdrawn || got.OutAt != nil {
			t.Fatalf("withdrawn loan after its key left: %+v", got)
		}
		lines := notes(thread(t, h, "ЛК-101"))
		if !strings.HasPrefix(lines[len(lines)-1], "ATTENTION: the key of courtesy car WA 12345 was taken from locker «Main»") {
			t.Fatalf("thread lines %q", lines)
		}
		if ev := loanEvents(t, h, l.ID); strings.Join(ev, ",") != "offered,verified,signed,withdrawn" {
			t.Fatalf("loan changes %v", ev)
		}
	})
}

// A branch without a locker hands keys over at the desk; kiosks may name
// only their own branch's loans; an expired code is replaced on request.
func TestLoanKeyRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := t.Context()
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := ready(t, h, lend(t, h, "ЛК-101"))
		keys := h.Server.LoanKeys()
		if _, err := keys.PickupCode(ctx, l); !errors.Is(err, loan.ErrNoLocker) {
			t.Fatalf("pickup code at a branch without a locker: %v, want ErrNoLocker", err)
		}
		if _, err := keys.ReturnCode(ctx, l); !errors.Is(err, loan.ErrNoLocker) {
			t.Fatalf("return code at a branch without a locker: %v, want ErrNoLocker", err)
		}
		if _, err := keys.PickupCode(ctx, hub.Loan{ID: l.ID + 1000}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("pickup code of no loan: %v, want ErrNotFound", err)
		}

		// Another branch's kiosk cannot name this loan.
		other := hub.Branch{Code: "SPB1", Name: "Другой", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := h.Store.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		far := &kiosk{h: h, token: "kiosk-token-far"}
		far.site = hub.LockerSite{BranchID: other.ID, Name: "Far", TokenHash: hub.HashToken(far.token)}
		far.boxes = []hub.LockerCompartment{{Board: 0, Lock: 1, Label: "1"}}
		if err := h.Store.CreateLockerSite(ctx, &far.site, far.boxes); err != nil {
			t.Fatal(err)
		}
		id := lockerwire.LoanKeysID(l.ID)
		body, _ := json.Marshal(lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-x", lockerwire.EventKeysCollected, far.boxes[0], id)}})
		far.refused(t, far.token, body, 400, "is not a courtesy-car loan of this locker's branch")
		body, _ = json.Marshal(lockerwire.SyncRequest{Compartments: far.holding(far.boxes[0], lockerwire.StateReady, id)})
		far.refused(t, far.token, body, 400, "is not a courtesy-car loan of this locker's branch")
		if got := loanOf(t, h, l.ID); got.State != hub.LoanOffered {
			t.Fatalf("a refused sync moved the loan: %+v", got)
		}

		// The branch gets a locker and the key goes in; the code expires
		// unused: the kiosk forgets it and the page gets a new one.
		k := newKiosk(t, h, "Main")
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-in", lockerwire.EventKeysReturned, k.boxes[0], id)},
			Compartments: k.holding(k.boxes[0], lockerwire.StateReady, id)})
		first := loanCodeIn(t, thread(t, h, "ЛК-101"), templates.KeyLoanKeyPickup)
		if err := h.Store.Gorm(ctx).Exec("UPDATE loan_key_codes SET expires_at = ? WHERE loan_id = ?", time.Now().Add(-time.Minute), l.ID).Error; err != nil {
			t.Fatal(err)
		}
		resp := k.sync(t, lockerwire.SyncRequest{Compartments: k.holding(k.boxes[0], lockerwire.StateReady, id)})
		if e, _ := loanEntry(resp, l.ID); e.PickupHash != "" {
			t.Fatalf("an expired code still reaches the kiosk: %+v", e)
		}
		fresh, err := keys.PickupCode(ctx, l)
		if err != nil || fresh.Code == "" {
			t.Fatalf("pickup code after the first expired: %+v %v", fresh, err)
		}
		resp = k.sync(t, lockerwire.SyncRequest{Compartments: k.holding(k.boxes[0], lockerwire.StateReady, id)})
		e, _ := loanEntry(resp, l.ID)
		if !lockerwire.Matches(e.PickupHash, e.PickupSalt, fresh.Code) || (first != fresh.Code && lockerwire.Matches(e.PickupHash, e.PickupSalt, first)) {
			t.Fatalf("the kiosk cannot match the new code, or still the old one: %+v", e)
		}
		if got := sent(thread(t, h, "ЛК-101")); count(got, templates.KeyLoanKeyPickup) != 2 {
			t.Fatalf("messages %v; want two codes (the first expired)", got)
		}
	})
}

// Fifteen taps on the page at once issue one code and send one message.
func TestLoanKeyCodeConcurrentRequestsSendOne(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		k := newKiosk(t, h, "Main")
		h.PushWorkOrder(t, "wo-1", "ЛК-101", 1, "Принят", nil)
		l := lend(t, h, "ЛК-101")
		id := lockerwire.LoanKeysID(l.ID)
		k.sync(t, lockerwire.SyncRequest{Events: []lockerwire.Event{event("ev-in", lockerwire.EventKeysReturned, k.boxes[0], id)},
			Compartments: k.holding(k.boxes[0], lockerwire.StateReady, id)})
		l = ready(t, h, l)
		var wg sync.WaitGroup
		codes := make([]string, 15)
		errs := make([]error, 15)
		for i := range codes {
			wg.Go(func() {
				c, err := h.Server.LoanKeys().PickupCode(t.Context(), l)
				codes[i], errs[i] = c.Code, err
			})
		}
		wg.Wait()
		issued := 0
		for i := range codes {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			if codes[i] != "" {
				issued++
			}
		}
		if issued != 1 {
			t.Fatalf("%d requests got a code, want 1", issued)
		}
		if got := sent(thread(t, h, "ЛК-101")); count(got, templates.KeyLoanKeyPickup) != 1 {
			t.Fatalf("messages %v; want one code", got)
		}
	})
}
