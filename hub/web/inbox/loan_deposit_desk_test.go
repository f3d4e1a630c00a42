package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// deskURL is the desk deposit's action of loan l on A's thread.
func (w loanWorld) deskURL(l hub.Loan) string {
	return fmt.Sprintf("%s/loans/%d/deposit/desk", w.url, l.ID)
}

// ready makes loan l verified and signed, as the customer's page would.
func (w loanWorld) ready(t *testing.T, l hub.Loan) hub.Loan {
	t.Helper()
	signed := time.Now().UTC()
	l, err := w.h.Store.ChangeLoan(context.Background(), l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
		x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &signed, "Иван Петров", "D-1"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func version(l hub.Loan) string { return strconv.FormatInt(l.Version, 10) }

// At a branch without online payments the advisor records the deposit
// taken at the desk: the key may then go at the desk (it could not
// before), the DMS sees deposit_status desk, the thread and the audit log
// name the advisor. At the return part of it is kept: the loan closes,
// the customer is told. Bad forms are refused (400, 409 for a loan moved
// on or a stale card) and change nothing.
func TestDeskDepositTakenHandedOverAndKept(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "en"
		l := w.ready(t, w.offer(t, anna))
		if l.DepositStatus != hub.DepositRequired {
			t.Fatalf("deposit %s, want required", l.DepositStatus)
		}
		_, page := anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{`action="` + w.deskURL(l) + `"`, "Deposit taken at the desk", "I took RUB"} {
			if !strings.Contains(page, want) {
				t.Errorf("the card lacks %q", want)
			}
		}
		// Before: the key cannot go, the deposit is missing.
		resp, page := post(anna, fmt.Sprintf("%s/loans/%d/out", w.url, l.ID))
		wantCarRefusal(t, "hand-over before the deposit", resp, page, http.StatusConflict, "Too early for the key")

		before := w.counts(t)
		for _, c := range []struct {
			what   string
			fields []string
			status int
			want   string
		}{
			{"no tick", []string{"version", version(l)}, http.StatusBadRequest, "Tick that the deposit was taken"},
			{"no version", []string{"confirm", "1"}, http.StatusBadRequest, "The form was not filled in correctly"},
			{"a garbage version", []string{"confirm", "1", "version", "-1e9"}, http.StatusBadRequest, "The form was not filled in correctly"},
			{"a stale card", []string{"confirm", "1", "version", strconv.FormatInt(l.Version-1, 10)}, http.StatusConflict, "The loan changed while you were looking"},
		} {
			resp, page := post(anna, w.deskURL(l), c.fields...)
			wantCarRefusal(t, c.what, resp, page, c.status, c.want)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("refused forms wrote: %+v after %+v", after, before)
		}

		resp, page = post(anna, w.deskURL(l), "confirm", "1", "version", version(l))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("desk deposit: %d\n%s", resp.StatusCode, page)
		}
		got, _ := h.Store.Loan(ctx, l.ID)
		if got.DepositStatus != hub.DepositDesk || !got.Ready() {
			t.Fatalf("loan after the desk deposit: %s ready %v", got.DepositStatus, got.Ready())
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanDepositDesk || !strings.Contains(line.Body, "Анна") {
			t.Errorf("line %q %q", line.TextKey, line.Body)
		}
		var detail string
		if err := h.Store.Gorm(ctx).Table("audit_log").Select("detail").Where("action = ?", "loan_deposit").Order("id DESC").Limit(1).Scan(&detail).Error; err != nil ||
			!strings.Contains(detail, "taken at the desk by Анна") {
			t.Errorf("audit detail %q %v", detail, err)
		}
		if ev := w.loanEvents(t); ev[len(ev)-1] != hub.LoanEventDepositDesk {
			t.Errorf("events %v", ev)
		}
		// The customer is told, in the loan's language: identity and
		// signature are done, so the key is next.
		if o := w.lastOutbox(t); o.Recipient != w.a.Phone || o.Channel != w.a.Channel || !strings.Contains(o.Body, "залог 15 000,00 ₽ за подменный автомобиль") ||
			!strings.Contains(o.Body, "следующий шаг — ключ") {
			t.Errorf("the customer's message %q", o.Body)
		}
		// Again with the card as it was: refused, nothing more.
		resp, page = post(anna, w.deskURL(l), "confirm", "1", "version", version(l))
		wantCarRefusal(t, "a second desk deposit", resp, page, http.StatusConflict, "The loan changed while you were looking")

		// The key goes at the desk now; the deposit waits for the return.
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/out", w.url, l.ID)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hand-over: %d\n%s", resp.StatusCode, page)
		}
		l, _ = h.Store.Loan(ctx, l.ID)
		resp, page = post(anna, w.deskURL(l)+"/settle", "action", "return", "version", version(l))
		wantCarRefusal(t, "settled while out", resp, page, http.StatusConflict, "A deposit left at the desk is settled once the car is back")
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/return", w.url, l.ID), "fuel", "8", "odometer", "12400"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d\n%s", resp.StatusCode, page)
		}
		l, _ = h.Store.Loan(ctx, l.ID)
		_, page = anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{"Given back to the customer in full", "Keep from the deposit"} {
			if !strings.Contains(page, want) {
				t.Errorf("the returned loan's card lacks %q", want)
			}
		}
		before = w.counts(t)
		for _, c := range []struct{ action, amount string }{
			{"keep", "0"}, {"keep", "abc"}, {"keep", "15 000,01"}, {"keep", "-5"}, {"keep", "1e99"}, {"steal", "1"}, {"", ""},
		} {
			resp, page := post(anna, w.deskURL(l)+"/settle", "action", c.action, "amount", c.amount, "version", version(l))
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<p class="error" role="alert">`) {
				t.Errorf("%q %q: %d, want 400 with the problem", c.action, c.amount, resp.StatusCode)
			}
		}
		if after := w.counts(t); after != before {
			t.Fatalf("refused settlements wrote: %+v after %+v", after, before)
		}
		resp, page = post(anna, w.deskURL(l)+"/settle", "action", "keep", "amount", "2 500", "version", version(l))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("keep: %d\n%s", resp.StatusCode, page)
		}
		got, _ = h.Store.Loan(ctx, l.ID)
		if got.State != hub.LoanClosed || got.DepositStatus != hub.DepositDeskKept || got.DepositKeptMinor != 250_000 {
			t.Fatalf("after keeping: %s %s %d", got.State, got.DepositStatus, got.DepositKeptMinor)
		}
		if o := w.lastOutbox(t); !strings.Contains(o.Body, "удержано 2") || !strings.Contains(o.Body, "возвращено вам") {
			t.Errorf("the customer's message %q", o.Body)
		}
		if ev := w.loanEvents(t); ev[len(ev)-1] != hub.LoanEventClosed {
			t.Errorf("events %v", ev)
		}
	})
}

// A loan withdrawn after its deposit was left at the desk: the deposit can
// only be given back (the car never left), and the loan keeps its end.
func TestDeskDepositGivenBackAfterWithdrawal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "en"
		l := w.offer(t, anna)
		if resp, page := post(anna, w.deskURL(l), "confirm", "1", "version", version(l)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("desk deposit: %d\n%s", resp.StatusCode, page)
		}
		// Not signed yet: the customer is told the steps left come first.
		if o := w.lastOutbox(t); !strings.Contains(o.Body, "принят на стойке") || !strings.Contains(o.Body, "Осталось завершить шаги") {
			t.Errorf("the customer's message %q", o.Body)
		}
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/withdraw", w.url, l.ID)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", resp.StatusCode, page)
		}
		l, _ = h.Store.Loan(ctx, l.ID)
		resp, page := post(anna, w.deskURL(l)+"/settle", "action", "keep", "amount", "100", "version", version(l))
		wantCarRefusal(t, "keep of a car never out", resp, page, http.StatusConflict, "The car never left")
		resp, page = post(anna, w.deskURL(l)+"/settle", "action", "return", "version", version(l))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("give back: %d\n%s", resp.StatusCode, page)
		}
		got, _ := h.Store.Loan(ctx, l.ID)
		if got.State != hub.LoanWithdrawn || got.DepositStatus != hub.DepositDeskReturned {
			t.Fatalf("after giving back: %s %s", got.State, got.DepositStatus)
		}
		if ev := w.loanEvents(t); ev[len(ev)-1] != hub.LoanEventDepositSettled {
			t.Errorf("events %v", ev)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanDepositDeskReturned {
			t.Errorf("line %q", line.TextKey)
		}
	})
}

// Fifteen "deposit taken at the desk" at once (a double click, two
// advisors): one is recorded (one change, one line, one audit row), the
// rest are told the loan changed.
func TestDeskDepositAttackFifteenAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		before := w.counts(t)
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			reqs[i] = loanRequest(anna, w.deskURL(l), "confirm", "1", "version", version(l))
		}
		n := tally(t, "desk deposit", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)
		after := w.counts(t)
		if n[http.StatusSeeOther] != 1 || after.changes-before.changes != 1 || after.audit-before.audit != 1 ||
			after.messages-before.messages != 2 || after.outbox-before.outbox != 1 { // the line and the customer's message
			t.Fatalf("15 desk deposits: %v, %+v after %+v", n, after, before)
		}
		if got := w.onlyLoan(t); got.DepositStatus != hub.DepositDesk {
			t.Fatalf("deposit %s", got.DepositStatus)
		}
	})
}
