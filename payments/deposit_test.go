package payments_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/payments"
	"naryad/templates"
)

// lines lists the thread's system lines of a key.
func (e *env) lines(t *testing.T, key string) []hub.Message {
	t.Helper()
	var out []hub.Message
	for _, m := range e.messages(t, "", hub.DirectionSystem) {
		if m.TextKey == key {
			out = append(out, m)
		}
	}
	return out
}

// toCustomer lists what the thread sent the customer.
func (e *env) toCustomer(t *testing.T) []hub.Message {
	t.Helper()
	all, err := e.s.Messages(context.Background(), e.f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range all {
		if m.Direction == hub.DirectionOut {
			out = append(out, m)
		}
	}
	return out
}

// The deposit through YooKassa: fifteen presses make one two-stage payment
// (capture false) with its receipt; a forged notice changes nothing; the
// customer's authorisation, told by the notification and read back, holds
// the deposit (deposit_held in the feed, a line in the thread), once
// however often the notice comes; nothing of it touches the work order
// (not paid, no payment change, no receipt message, no key locker).
func TestDepositHeldThroughYooKassa(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)

		const presses = 15
		urls := make([]string, presses)
		errs := make([]error, presses)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range presses {
			wg.Go(func() {
				<-gate
				urls[i], errs[i] = d.svc.StartHold(ctx, d.loan, loanReturn)
			})
		}
		close(gate)
		wg.Wait()
		for i := range presses {
			if errs[i] != nil || urls[i] == "" || urls[i] != urls[0] {
				t.Fatalf("press %d: %q %v (first %q)", i, urls[i], errs[i], urls[0])
			}
		}
		holds := d.holds(t)
		if len(holds) != 1 || len(d.yk.Payments()) != 1 {
			t.Fatalf("%d holds, %d at YooKassa; want one", len(holds), len(d.yk.Payments()))
		}
		h := holds[0]
		at, _ := d.yk.Payment(h.ProviderID)
		if at.Capture || at.Amount.Value != "15000.00" || at.ReturnURL != loanReturn || at.Receipt == nil ||
			!strings.Contains(at.Description, "А 123 ВС 77") || at.Metadata["naryad_kind"] != hub.PaymentForLoanDeposit {
			t.Fatalf("at YooKassa: %+v", at)
		}
		if h.WorkOrderID != 0 || h.ThreadID != nil || h.Status != hub.PaymentPending || len(d.lines(t, templates.SysLoanDepositPageOpened)) != 1 {
			t.Fatalf("hold %+v", h)
		}

		// Not paid yet: a notice claiming the hold is read back and not believed.
		if got := d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID); got != 200 {
			t.Fatalf("early notice: %d", got)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositRequired {
			t.Fatalf("a forged notice held the deposit: %+v", l)
		}
		d.yk.Pay(h.ProviderID, "bank_card") // capture false: held
		for range 3 {
			if got := d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID); got != 200 {
				t.Fatalf("notice: %d", got)
			}
		}
		l := d.loanNow(t)
		if l.DepositStatus != hub.DepositHeld || l.DepositPaymentID == nil || *l.DepositPaymentID != h.ID {
			t.Fatalf("loan after the hold: %+v", l)
		}
		if p := d.payment(t, h.ID); p.Status != hub.PaymentAuthorized || p.Method != "bank_card" || p.NextCheckAt == nil {
			t.Fatalf("hold after the notice: %+v", p)
		}
		if ev := d.loanEvents(t); !slices.Equal(ev, []string{hub.LoanEventOffered, hub.LoanEventDepositHeld}) {
			t.Fatalf("loan changes %v", ev)
		}
		if n := len(d.lines(t, templates.SysLoanDepositHeld)); n != 1 {
			t.Fatalf("%d held lines", n)
		}
		// The work order knows nothing of it.
		if w := d.order(t); w.Paid {
			t.Fatal("a deposit hold marked the work order paid")
		}
		if len(d.changes(t, hub.ChangePayment)) != 0 || len(d.lockers.Saved()) != 0 ||
			len(d.messages(t, templates.KeyPaymentReceived, hub.DirectionOut)) != 0 || len(d.toCustomer(t)) != 0 {
			t.Fatal("a deposit hold was treated as a payment of the work order")
		}
		if offers, err := d.svc.Due(ctx, d.f.Thread.ID); err != nil || len(offers) != 1 || offers[0].AmountMinor != 1250000 {
			t.Fatalf("what the customer owes for the work order: %+v %v", offers, err)
		}
		// Held: a press again is told so, and makes nothing.
		if _, err := d.svc.StartHold(ctx, d.loanNow(t), loanReturn); err == nil || !strings.Contains(err.Error(), "уже заблокирован") {
			t.Fatalf("press after the hold: %v", err)
		}
		if len(d.yk.Payments()) != 1 {
			t.Fatal("a second hold was made")
		}
	})
}

// At the return: refusals first (more than held, a negative amount, the
// car still out), nothing stored or asked; then part of the deposit is
// taken (its receipt of the part), with a payment change of kind
// loan_deposit for 1C, a line, the customer's message; a second press is
// refused.
func TestDepositCapturedAtTheReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		d.yk.Pay(h.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
		d.move(t, hub.LoanEventOut, hub.LoanOut)

		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 400000, "Ольга"); userKey(err) != "deposit_not_back" {
			t.Fatalf("settled while the car is out: %v", err)
		}
		d.move(t, hub.LoanEventReturned, hub.LoanReturned)
		requests := len(d.yk.Requests())
		for _, c := range []struct {
			amount int64
			key    string
		}{{depositRUB + 1, "deposit_too_much"}, {-1, "deposit_amount_bad"}, {1 << 62, "deposit_too_much"}} {
			if err := d.svc.SettleDeposit(ctx, d.loan.ID, c.amount, "Ольга"); userKey(err) != c.key {
				t.Fatalf("capture of %d: %v, want %s", c.amount, err, c.key)
			}
		}
		if len(d.yk.Requests()) != requests || d.loanNow(t).DepositStatus != hub.DepositHeld {
			t.Fatal("a refused capture reached YooKassa or changed the loan")
		}

		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 400000, "Ольга"); err != nil {
			t.Fatalf("capture: %v", err)
		}
		at, _ := d.yk.Payment(h.ProviderID)
		if at.Status != "succeeded" || at.Amount.Value != "4000.00" || at.CaptureReceipt == nil {
			t.Fatalf("at YooKassa: %+v", at)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositCaptured {
			t.Fatalf("loan: %+v", l)
		}
		if p := d.payment(t, h.ID); p.Status != hub.PaymentSucceeded || p.PaidMinor != 400000 {
			t.Fatalf("hold: %+v", p)
		}
		changes := d.changes(t, hub.ChangePayment)
		if len(changes) != 1 || changes[0].WorkOrderID == nil || *changes[0].WorkOrderID != d.f.Order.ID {
			t.Fatalf("payment changes %+v", changes)
		}
		var pd hub.PaymentData
		if err := json.Unmarshal([]byte(changes[0].Data), &pd); err != nil {
			t.Fatal(err)
		}
		if pd.Kind != hub.PaymentForLoanDeposit || pd.AmountMinor != 400000 || pd.RequestedMinor != depositRUB || pd.PaymentID != h.ID {
			t.Fatalf("payment change %+v", pd)
		}
		lines := d.lines(t, templates.SysLoanDepositCaptured)
		if len(lines) != 1 || !strings.Contains(lines[0].Text("ru"), "Ольга") || !strings.Contains(lines[0].Text("en"), "11,000.00") {
			t.Fatalf("captured lines %+v", lines)
		}
		out := d.toCustomer(t)
		if len(out) != 1 || !strings.Contains(out[0].Body, "удержано 4 000,00") || out[0].Delivery != hub.DeliveryQueued {
			t.Fatalf("to the customer: %+v", out)
		}
		if d.woken.Load() == 0 {
			t.Fatal("the outbox was not woken")
		}
		if w := d.order(t); w.Paid {
			t.Fatal("a captured deposit marked the work order paid")
		}
		if paid, _ := s.OnlinePaidMinor(ctx, d.f.Order.ID); paid != 0 {
			t.Fatalf("a captured deposit counts as paid online: %d", paid)
		}
		if _, err := d.svc.Refund(ctx, h.ID, 100, "back", "root"); userKey(err) != "refund_not_paid" {
			t.Fatalf("refund of a deposit: %v", err)
		}
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 0, "Борис"); userKey(err) != "deposit_meanwhile" {
			t.Fatalf("a second settlement: %v", err)
		}
		if len(d.toCustomer(t)) != 1 {
			t.Fatal("the customer was told twice")
		}
	})
}

// A loan withdrawn with its deposit held: a capture is refused (the car
// never left), the hub's release lets it go at YooKassa, tells the
// customer and is audited; staff cannot settle it again.
func TestDepositReleasedWhenTheLoanIsWithdrawn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		d.yk.Pay(h.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
		if err := d.svc.ReleaseDeposit(ctx, d.loan.ID); err != nil || d.loanNow(t).DepositStatus != hub.DepositHeld {
			t.Fatalf("release of a loan still offered: %v", err)
		}
		d.move(t, hub.LoanEventWithdrawn, hub.LoanWithdrawn)
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 100, "Ольга"); userKey(err) != "deposit_never_out" {
			t.Fatalf("capture of a withdrawn loan's deposit: %v", err)
		}
		if err := d.svc.ReleaseDeposit(ctx, d.loan.ID); err != nil {
			t.Fatalf("release: %v", err)
		}
		if at, _ := d.yk.Payment(h.ProviderID); at.Status != "canceled" {
			t.Fatalf("at YooKassa: %+v", at)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositReleased {
			t.Fatalf("loan %+v", l)
		}
		if p := d.payment(t, h.ID); p.Status != hub.PaymentCancelled {
			t.Fatalf("hold %+v", p)
		}
		lines := d.lines(t, templates.SysLoanDepositReleased)
		if len(lines) != 1 || !strings.Contains(lines[0].Text("en"), "withdrawn") {
			t.Fatalf("released lines %+v", lines)
		}
		if out := d.toCustomer(t); len(out) != 1 || !strings.Contains(out[0].Body, "снята") {
			t.Fatalf("to the customer %+v", out)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) == 0 || log[0].Action != store.AuditLoanDeposit || log[0].UserID != nil {
			t.Fatalf("audit %+v %v", log, err)
		}
		// Again: nothing more.
		if err := d.svc.ReleaseDeposit(ctx, d.loan.ID); err != nil {
			t.Fatal(err)
		}
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 0, "Ольга"); userKey(err) != "deposit_meanwhile" {
			t.Fatalf("settle after the release: %v", err)
		}
		if len(d.toCustomer(t)) != 1 || len(d.changes(t, hub.ChangePayment)) != 0 {
			t.Fatal("a release said or booked something twice")
		}
	})
}

// A refused card: the hold fails, the loan's deposit is failed (no loan
// change, a line for staff), the customer may try again with a new hold;
// the old hold's late notice changes nothing.
func TestDepositFailedThenTriedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		first := d.startHold(t)
		h := d.holds(t)[0]
		d.yk.CancelPayment(h.ProviderID)
		if got := d.yooKassaNotice(t, "payment.canceled", h.ProviderID); got != 200 {
			t.Fatalf("notice %d", got)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositFailed || l.DepositPaymentID != nil {
			t.Fatalf("loan after a refused card: %+v", l)
		}
		if ev := d.loanEvents(t); len(ev) != 1 {
			t.Fatalf("a failed hold made a loan change: %v", ev)
		}
		if n := len(d.lines(t, templates.SysLoanDepositFailed)); n != 1 {
			t.Fatalf("%d failed lines", n)
		}
		second := d.startHold(t)
		if second == first || len(d.holds(t)) != 2 || len(d.yk.Payments()) != 2 {
			t.Fatalf("try again: %q after %q, %d holds", second, first, len(d.holds(t)))
		}
		h2 := d.holds(t)[0]
		d.yk.Pay(h2.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h2.ProviderID)
		if got := d.yooKassaNotice(t, "payment.canceled", h.ProviderID); got != 200 {
			t.Fatalf("late notice %d", got)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositHeld || *l.DepositPaymentID != h2.ID {
			t.Fatalf("a late notice of the first try moved the loan: %+v", l)
		}
	})
}

// Lost notices: the poller finds the hold made five minutes later; a hold
// that lapses at YooKassa after the car went out is found by the daily
// check: the loan's deposit is released (nothing left to take) and staff
// get a task.
func TestDepositPollerFindsTheHoldAndItsLapse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		d.yk.Pay(h.ProviderID, "")
		if _, err := d.svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if d.loanNow(t).DepositStatus != hub.DepositRequired {
			t.Fatal("checked before it was due")
		}
		d.clock.Add(6 * time.Minute)
		if n, err := d.svc.Poll(ctx); err != nil || n != 1 {
			t.Fatalf("poll: %d %v", n, err)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositHeld {
			t.Fatalf("the poller did not find the hold: %+v", l)
		}
		d.move(t, hub.LoanEventOut, hub.LoanOut)
		d.clock.Add(2 * time.Hour)
		if n, _ := d.svc.Poll(ctx); n != 0 {
			t.Fatalf("a hold in place checked before its day: %d", n)
		}
		d.yk.CancelPayment(h.ProviderID) // expired_on_capture
		d.clock.Add(heldDay)
		if n, err := d.svc.Poll(ctx); err != nil || n != 1 {
			t.Fatalf("daily check: %d %v", n, err)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositReleased {
			t.Fatalf("loan after the lapse: %+v", l)
		}
		if len(d.lines(t, templates.SysLoanDepositLapsed)) != 1 || len(d.openTasks(t)) != 1 {
			t.Fatalf("lapse not told: %d tasks", len(d.openTasks(t)))
		}
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, 0, "Ольга"); userKey(err) != "deposit_meanwhile" {
			t.Fatalf("settle a lapsed deposit: %v", err)
		}
	})
}

const heldDay = 24*time.Hour + time.Minute

// The provider does not answer a capture: nothing is recorded, the staff
// are told to press again, and the press repeats the same capture (same
// key): the money is taken once. Payments cannot be turned off while a
// deposit is held.
func TestDepositCaptureWithoutAnAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		d.yk.Pay(h.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
		if err := d.svc.Disable(ctx, d.f.Branch.ID); userKey(err) != "setup_open_left" {
			t.Fatalf("payments off with a deposit held: %v", err)
		}
		d.move(t, hub.LoanEventOut, hub.LoanOut)
		d.move(t, hub.LoanEventReturned, hub.LoanReturned)
		// The capture goes through at YooKassa, its answer is lost.
		d.yk.FailNext(500)
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, depositRUB, "Ольга"); userKey(err) != "deposit_no_answer" {
			t.Fatalf("no answer: %v", err)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositHeld || len(d.toCustomer(t)) != 0 {
			t.Fatalf("recorded without an answer: %+v", l)
		}
		if err := d.svc.SettleDeposit(ctx, d.loan.ID, depositRUB, "Ольга"); err != nil {
			t.Fatalf("again: %v", err)
		}
		captures := 0
		for _, r := range d.yk.Requests() {
			if strings.HasSuffix(r.Path, "/capture") && r.Status == 200 {
				captures++
			}
		}
		if captures != 1 {
			t.Fatalf("%d captures at YooKassa", captures)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositCaptured {
			t.Fatalf("loan %+v", l)
		}
		if out := d.toCustomer(t); len(out) != 1 || !strings.Contains(out[0].Body, "полностью") {
			t.Fatalf("to the customer %+v", out)
		}
		if err := d.svc.Disable(ctx, d.f.Branch.ID); err != nil {
			t.Fatalf("payments off after the deposit was settled: %v", err)
		}
	})
}

// Refusals of the customer's press: a return address that is not one, the
// branch without online payments, the loan no longer offered; in the
// loan's language, nothing made.
func TestStartHoldRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		msg := func(err error) string {
			if ue, ok := err.(*payments.UserError); ok {
				return ue.Msg
			}
			t.Fatalf("not a refusal: %v", err)
			return ""
		}
		for _, bad := range []string{"", "/l/tok", "javascript:alert(1)", "https://hub.example/l/\x00", "https://hub.example/l/" + strings.Repeat("a", 3000)} {
			if _, err := d.svc.StartHold(ctx, d.loanNow(t), bad); err == nil {
				t.Fatalf("return address %.40q taken", bad)
			}
		}
		pl := d.loanNow(t)
		pl.Locale = "pl" // a refusal speaks the language of the loan the page passes
		if err := d.svc.Disable(ctx, d.f.Branch.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.svc.StartHold(ctx, pl, loanReturn); !strings.Contains(msg(err), "kaucji online") {
			t.Fatalf("no provider: %v", err)
		}
		d.move(t, hub.LoanEventWithdrawn, hub.LoanWithdrawn)
		if _, err := d.svc.StartHold(ctx, d.loanNow(t), loanReturn); !strings.Contains(msg(err), "больше не принимается") {
			t.Fatalf("withdrawn: %v", err)
		}
		if len(d.holds(t)) != 0 || len(d.yk.Payments()) != 0 {
			t.Fatal("a refused press made a hold")
		}
		if _, err := d.svc.StartHold(ctx, hub.Loan{ID: 999999}, loanReturn); err == nil {
			t.Fatal("a loan that does not exist")
		}
	})
}

// Fifteen presses of "take" at once: YooKassa captures once (one key),
// one press records it, the others are told it was settled meanwhile; one
// message, one payment change.
func TestDepositCaptureConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		d.yk.Pay(h.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
		d.move(t, hub.LoanEventOut, hub.LoanOut)
		d.move(t, hub.LoanEventReturned, hub.LoanReturned)

		const presses = 15
		errs := make([]error, presses)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range presses {
			wg.Go(func() {
				<-gate
				errs[i] = d.svc.SettleDeposit(ctx, d.loan.ID, 500000, "Ольга")
			})
		}
		close(gate)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case userKey(err) != "deposit_meanwhile":
				t.Fatalf("press: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d presses recorded the capture, want 1", ok)
		}
		if at, _ := d.yk.Payment(h.ProviderID); at.Status != "succeeded" || at.Amount.Value != "5000.00" {
			t.Fatalf("at YooKassa %+v", at)
		}
		if len(d.toCustomer(t)) != 1 || len(d.changes(t, hub.ChangePayment)) != 1 || len(d.lines(t, templates.SysLoanDepositCaptured)) != 1 {
			t.Fatal("a capture recorded more than once")
		}
	})
}

// The customer finishes the provider's page after staff recorded the
// deposit left at the desk: the hold is not wanted, so it is released at
// the provider, and the loan keeps its desk deposit.
func TestDepositHoldAfterTheDeskIsReleased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		d := newDepositEnv(t, s, hub.ProviderYooKassa)
		d.startHold(t)
		h := d.holds(t)[0]
		if _, err := s.ChangeLoan(ctx, d.loan.ID, hub.LoanEventDepositDesk, func(x *hub.Loan) error {
			x.DepositStatus = hub.DepositDesk
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		d.yk.Pay(h.ProviderID, "")
		d.yooKassaNotice(t, "payment.waiting_for_capture", h.ProviderID)
		if at, _ := d.yk.Payment(h.ProviderID); at.Status != "canceled" {
			t.Fatalf("at YooKassa: %+v", at)
		}
		if p := d.payment(t, h.ID); p.Status != hub.PaymentCancelled {
			t.Fatalf("hold %+v", p)
		}
		if l := d.loanNow(t); l.DepositStatus != hub.DepositDesk {
			t.Fatalf("loan's deposit %s, want desk", l.DepositStatus)
		}
	})
}
