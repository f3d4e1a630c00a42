package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/templates"
)

// A car whose key came back through the key locker is returned without
// its fuel and odometer (the kiosk reads no gauge; the line asks staff to
// check them). The card's return form then records what staff read, once:
// the loan keeps its return time, the DMS gets the `returned` change again
// with the readings, the thread a line, the audit log a row, the customer
// no message. Readings below the handover's odometer are refused; fifteen
// presses at once record once; a second recording is refused. The same
// holds when the deposit was settled first, which closed the loan.
func TestLoanReadingsAfterTheLockerReturn(t *testing.T) {
	for _, settled := range []bool{false, true} {
		t.Run(map[bool]string{false: "returned", true: "closed"}[settled], func(t *testing.T) { readingsAfterTheLocker(t, settled) })
	}
}

func readingsAfterTheLocker(t *testing.T, settled bool) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		if err := h.Store.SetLoanSettings(ctx, hub.DefaultLoanSettings(w.a.BranchID)); err != nil {
			t.Fatal(err) // no deposit
		}
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		back := fmt.Sprintf("%s/loans/%d/return", w.url, l.ID)

		// Ready, the key taken from the locker and dropped off there again,
		// as lockerhub moves the loan.
		signed, out, returned := time.Now().UTC().Add(-2*time.Hour), time.Now().UTC().Add(-time.Hour), time.Now().UTC().Truncate(time.Second)
		for _, step := range []struct {
			event  string
			change func(x *hub.Loan)
		}{
			{hub.LoanEventSigned, func(x *hub.Loan) {
				x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &signed, "Иван Петров", "D-1"
			}},
			{hub.LoanEventOut, func(x *hub.Loan) { x.State, x.OutAt = hub.LoanOut, &out }},
			{hub.LoanEventReturned, func(x *hub.Loan) { x.State, x.ReturnedAt = hub.LoanReturned, &returned }},
			{hub.LoanEventClosed, func(x *hub.Loan) { x.State = hub.LoanClosed }},
		} {
			if step.event == hub.LoanEventClosed && !settled {
				break
			}
			if _, err := h.Store.ChangeLoan(ctx, l.ID, step.event, func(x *hub.Loan) error { step.change(x); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		_, page := anna.Do(http.MethodGet, w.url, nil)
		if !strings.Contains(page, `action="`+back+`"`) || !strings.Contains(page, "Record fuel and odometer") ||
			!strings.Contains(page, "The key came back through the key locker") {
			t.Fatalf("the card of a car back through the locker offers no readings:\n%s", page)
		}

		before := w.counts(t)
		for _, c := range []struct{ fuel, km, problem string }{
			{"8", "12000", "The odometer at return cannot read less than at the handover (12345 km)."},
			{"9", "12400", "Fuel: from 0/8"},
			{"4", "12 4OO", "Odometer: a whole number"},
		} {
			resp, page := post(anna, back, "fuel", c.fuel, "odometer", c.km)
			apptest.WantRefused(t, resp, page, c.problem)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}

		// Fifteen presses at once: one recording.
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			reqs[i] = loanRequest(anna, back, "fuel", "3", "odometer", "12 900")
		}
		won := tally(t, "a recording", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)[http.StatusSeeOther]
		n := w.counts(t)
		if won != 1 || n.changes-before.changes != 1 || n.audit-before.audit != 1 || n.messages-before.messages != 1 ||
			n.outbox != before.outbox || n.carState != before.carState {
			t.Fatalf("15 recordings at once: %d taken, %+v after %+v", won, n, before)
		}

		got, state, events := w.onlyLoan(t), hub.LoanReturned, "offered signed out returned returned"
		if settled {
			state, events = hub.LoanClosed, "offered signed out returned closed returned"
		}
		if got.State != state || got.ReturnedAt == nil || !got.ReturnedAt.Equal(returned) ||
			got.ReturnFuelEighths == nil || *got.ReturnFuelEighths != 3 || got.ReturnOdometerKm == nil || *got.ReturnOdometerKm != 12900 {
			t.Fatalf("the loan after the readings: %+v", got)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanReturnReadings ||
			!strings.Contains(line.Text("en"), "at its return: fuel 3/8, odometer 12900 km. Less fuel than at the handover (6/8).") {
			t.Fatalf("system line %q (%s)", line.Text("en"), line.TextKey)
		}
		if ev := w.loanEvents(t); strings.Join(ev, " ") != events {
			t.Fatalf("loan changes %v", ev)
		}
		changes, err := h.Store.ChangesAfter(ctx, []int64{w.a.BranchID}, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var last hub.LoanData
		if err := json.Unmarshal([]byte(changes[len(changes)-1].Data), &last); err != nil {
			t.Fatal(err)
		}
		if last.Event != hub.LoanEventReturned || last.ReturnFuelEighths == nil || *last.ReturnFuelEighths != 3 ||
			last.ReturnOdometerKm == nil || *last.ReturnOdometerKm != 12900 {
			t.Fatalf("the DMS's last change: %+v", last)
		}
		_, page = anna.Do(http.MethodGet, w.url+"?loan=readings", nil)
		if strings.Contains(page, `action="`+back+`"`) || !strings.Contains(page, "The fuel and the odometer at the return are recorded.") ||
			!strings.Contains(page, "Less fuel than at the handover: 3/8 instead of 6/8.") {
			t.Fatalf("the card after the readings:\n%s", page)
		}

		// Recorded: the form goes and a second recording is refused.
		before = w.counts(t)
		if resp, _ := post(anna, back, "fuel", "8", "odometer", "13000"); resp.StatusCode != http.StatusConflict {
			t.Fatalf("a second recording: %d, want 409", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}
