package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/payments"
)

// depositCall is one SettleDeposit the fake payments service received.
type depositCall struct {
	Loan, Capture int64
	By            string
}

// ReleaseDeposit records the loan whose hold the inbox let go.
func (f *fakePayments) ReleaseDeposit(ctx context.Context, loanID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = append(f.released, loanID)
	return nil
}

// SettleDeposit records the call and answers depositErr, else records the
// settlement on the loan as the service would.
func (f *fakePayments) SettleDeposit(ctx context.Context, loanID, captureMinor int64, by string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deposits = append(f.deposits, depositCall{loanID, captureMinor, by})
	if f.depositErr != nil {
		return f.depositErr
	}
	status := hub.DepositReleased
	if captureMinor > 0 {
		status = hub.DepositCaptured
	}
	_, err := f.st.ChangeLoan(ctx, loanID, "", func(l *hub.Loan) error { l.DepositStatus = status; return nil })
	return err
}

func (f *fakePayments) depositCalls() []depositCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]depositCall(nil), f.deposits...)
}

// heldLoan offers a loan of 15 000 ₽ deposit on thread th, with the
// deposit held on the card (a hold in place), and moves it through states.
func heldLoan(t *testing.T, h *apptest.Hub, th hub.Thread, plate string, states ...string) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: th.BranchID, Plate: plate, Model: "Škoda Rapid", Fuel: hub.FuelPetrol}
	if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: th.BranchID, ThreadID: th.ID, WorkOrderID: th.WorkOrderID, CarID: car.ID, TokenHash: "h-" + plate,
		Locale: "ru", CustomerName: "Иван", CustomerPhone: th.Phone, HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
		FuelEighths: 8, OdometerKm: 12000, IdentityMethod: hub.IdentityManual, OfferedBy: "Анна", DepositMinor: 1_500_000, DepositCurrency: "RUB"}
	if err := h.Store.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	p := hub.Payment{BranchID: th.BranchID, LoanID: &l.ID, Kind: hub.PaymentForLoanDeposit, AmountMinor: l.DepositMinor,
		Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: "hold-" + plate, Status: hub.PaymentPending}
	if err := h.Store.CreateHold(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.ApplyHoldState(ctx, p.ID, store.PaymentState{Status: hub.PaymentAuthorized}, nil); err != nil {
		t.Fatal(err)
	}
	l, err := h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventDepositHeld, func(x *hub.Loan) error {
		x.DepositStatus, x.DepositPaymentID = hub.DepositHeld, &p.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if l, err = h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.State = s; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func depositURL(l hub.Loan) string { return fmt.Sprintf("/inbox/loans/%d/deposit", l.ID) }

// An advisor takes part of a returned car's deposit, typed as people write
// amounts, or releases it: the service is asked once, with the advisor's
// name, the action audited, the thread shown again. Bad input (not an
// amount, zero, negative, NUL, invalid UTF-8, a huge field, no action) is
// refused with the form and what was typed, 400, the service not asked,
// nothing audited.
func TestDepositFormSettlesTheDeposit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		l := heldLoan(t, h, w.a, "А 111 АА 77", hub.LoanOut, hub.LoanReturned)
		anna := w.signIn(t, "anna")

		for _, c := range []struct{ action, amount, want string }{
			{"capture", "abc", "The amount is a number above zero"},
			{"capture", "0", "The amount is a number above zero"},
			{"capture", "-5", "The amount is a number above zero"},
			{"capture", "12,505", "The amount is a number above zero"},
			{"capture", "1\x00000", "The amount is a number above zero"},
			{"capture", "\xff\xfe", "The amount is a number above zero"},
			{"capture", strings.Repeat("9", 100_000), "The amount is a number above zero"},
			{"", "100", "Choose: take an amount, or release the deposit."},
			{"steal", "100", "Choose: take an amount, or release the deposit."},
		} {
			resp, page := post(anna, depositURL(l), "action", c.action, "amount", c.amount)
			apptest.WantRefused(t, resp, page, c.want)
			if len(c.amount) < 64 && strings.ToValidUTF8(c.amount, "") == c.amount && !strings.Contains(c.amount, "\x00") {
				wantAll(t, page, `name="amount" value="`+c.amount+`"`)
			}
		}
		if calls := w.fake.depositCalls(); len(calls) != 0 {
			t.Fatalf("the service was asked for refused input: %+v", calls)
		}
		if n := len(audits(t, h, store.AuditLoanDeposit)); n != 0 {
			t.Fatalf("%d audit rows after refusals", n)
		}

		thread := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		resp, page := post(anna, depositURL(l), "action", "capture", "amount", "4 000,50")
		anna.WantRedirect(resp, page, thread, "")
		calls := w.fake.depositCalls()
		if want := []depositCall{{l.ID, 400050, "Анна"}}; fmt.Sprint(calls) != fmt.Sprint(want) {
			t.Fatalf("service asked %+v, want %+v", calls, want)
		}
		got := audits(t, h, store.AuditLoanDeposit)
		if want := fmt.Sprintf("loan %d: loan %d deposit captured amount_minor=400050 RUB of 1500000 RUB held", l.ID, l.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("audit %q, want %q", got, want)
		}

		l2 := heldLoan(t, h, w.a, "В 222 ВВ 77", hub.LoanWithdrawn)
		resp, page = post(anna, depositURL(l2), "action", "release", "amount", "ignored")
		anna.WantRedirect(resp, page, thread, "")
		if calls := w.fake.depositCalls(); len(calls) != 2 || calls[1] != (depositCall{l2.ID, 0, "Анна"}) {
			t.Fatalf("release: %+v", calls)
		}
		if n := len(audits(t, h, store.AuditLoanDeposit)); n != 2 {
			t.Fatalf("%d audit rows", n)
		}
	})
}

// The service's refusal is worded in the reader's language (an amount as
// their money), 409, the form shown again; another failure in general
// words, never the internal error; the form offers a loan withdrawn only
// the release.
func TestDepositFormShowsTheServicesRefusal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		l := heldLoan(t, h, w.a, "А 111 АА 77", hub.LoanOut, hub.LoanReturned)
		w.fake.depositErr = fmt.Errorf("settle: %w", &payments.UserError{Key: "deposit_too_much",
			Args: []any{payments.Amount{Minor: 1_500_000, Currency: "RUB"}}, Msg: "Only RUB 15,000.00 is held: no more can be taken."})
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		resp, page := post(anna, depositURL(l), "action", "capture", "amount", "20 000")
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status %d", resp.StatusCode)
		}
		wantAll(t, page, `role="alert">Заблокировано только 15`, `000,00`, `₽: больше удержать нельзя.`,
			`name="amount" value="20 000"`, "Удержать из залога", "Вернуть весь залог", fmt.Sprintf(`href="/inbox/threads/%d"`, w.a.ID))

		w.fake.depositErr = errors.New("payments: settle hold 3: dial tcp 10.0.0.1:443: connection refused")
		resp, page = post(anna, depositURL(l), "action", "release")
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("internal failure: status %d", resp.StatusCode)
		}
		wantAll(t, page, "из-за ошибки на сервере; ничего не сделано")
		wantNone(t, page, "10.0.0.1", "connection refused")
		if n := len(audits(t, h, store.AuditLoanDeposit)); n != 0 {
			t.Fatalf("%d audit rows after failures", n)
		}

		l2 := heldLoan(t, h, w.a, "В 222 ВВ 77", hub.LoanRefused)
		w.fake.depositErr = &payments.UserError{Key: "deposit_never_out", Msg: "The car never left: its deposit can only be released."}
		resp, page = post(anna, depositURL(l2), "action", "capture", "amount", "100")
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status %d", resp.StatusCode)
		}
		wantAll(t, page, "Автомобиль не выдавался: залог можно только вернуть.", `value="release"`)
		wantNone(t, page, `value="capture"`)
	})
}

// Only the loan's branch's advisors and admins settle its deposit: another
// branch's advisor and a mechanic are refused, a request without the
// session's CSRF token too, an unknown loan is 404; the service is never
// asked. Without the payments service there is no such route.
func TestDepositFormIsTheBranchsDesks(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		l := heldLoan(t, h, w.a, "А 111 АА 77", hub.LoanOut, hub.LoanReturned)
		oleg := w.signIn(t, "oleg")
		if resp, _ := post(oleg, depositURL(l), "action", "release"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's advisor: %d", resp.StatusCode)
		}
		if resp, _ := post(w.signIn(t, "mike"), depositURL(l), "action", "release"); resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("a mechanic: %d", resp.StatusCode)
		}
		anna := w.signIn(t, "anna")
		if resp, _ := anna.Do(http.MethodPost, depositURL(l), url.Values{"action": {"release"}, "csrf": {"forged"}}); resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("a forged CSRF token: %d", resp.StatusCode)
		}
		for _, path := range []string{"/inbox/loans/999999/deposit", "/inbox/loans/abc/deposit", "/inbox/loans/-1/deposit"} {
			if resp, _ := post(anna, path, "action", "release"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		if calls := w.fake.depositCalls(); len(calls) != 0 {
			t.Fatalf("the service was asked: %+v", calls)
		}
		without := newPayWorldApp(t, w, false)
		resp, _ := post(apptest.NewAppClient(t, without).SignIn("anna", password), depositURL(l), "action", "release")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("without payments: %d", resp.StatusCode)
		}
	})
}

// Withdrawing an offer whose deposit is held lets the hold go at once
// (the payments service is asked after the withdrawal committed); an offer
// without a deposit asks nothing.
func TestWithdrawReleasesTheHeldDeposit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		l := heldLoan(t, h, w.a, "Е 333 ЕЕ 77")
		anna := w.signIn(t, "anna")
		resp, page := post(anna, fmt.Sprintf("/inbox/threads/%d/loans/%d/withdraw", w.a.ID, l.ID))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", resp.StatusCode, page)
		}
		w.fake.mu.Lock()
		released := append([]int64(nil), w.fake.released...)
		w.fake.mu.Unlock()
		if len(released) != 1 || released[0] != l.ID {
			t.Fatalf("released %v, want the withdrawn loan %d", released, l.ID)
		}
	})
}
