package reminders

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"naryad/hub/store"
	"naryad/templates"
)

// Rule names of the courtesy car's reminders (#20).
const (
	RuleLoanDue     = "loan_due"
	RuleLoanOverdue = "loan_overdue"
)

// loanSubject names a loan in the ledger.
func loanSubject(id int64) string { return "loan:" + strconv.FormatInt(id, 10) }

// loanDueLayout writes a due-back time in lines and task titles: numeric,
// so it reads the same in every language, on the branch's clock.
const loanDueLayout = "02.01.2006 15:04"

// LoanDue tells the customer, on their loan's thread, that the courtesy
// car is due back the next branch-local day: from the start of the day
// before, once the quiet hours are over. It is a service message about
// their loan, not a reminder (Reminder.Service): a STOP or the daily cap
// does not hold it, a number that refused service messages reads it on its
// page only, and it is in the language of the loan. The occasion is the
// due-back time, so a loan moved to another time is told again, a loan
// that stays is told once.
type LoanDue struct{}

// NewLoanDue is the due-back rule.
func NewLoanDue() *LoanDue { return &LoanDue{} }

// Name is RuleLoanDue.
func (*LoanDue) Name() string { return RuleLoanDue }

// Due lists a message per loan out that is due back on the branch's
// tomorrow.
func (*LoanDue) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	local := scan.Now.In(scan.Loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, scan.Loc)
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, scan.Loc)
	dayAfter := time.Date(local.Year(), local.Month(), local.Day()+2, 0, 0, 0, 0, scan.Loc)
	loans, err := st.LoansOut(ctx, scan.Branch.ID, tomorrow, dayAfter)
	if err != nil {
		return nil, fmt.Errorf("loans due back at branch %s: %w", scan.Branch.Code, err)
	}
	out := make([]Reminder, 0, len(loans))
	for _, l := range loans {
		if l.CustomerID == nil {
			continue // a thread of nobody known: staff see the loan on it
		}
		out = append(out, Reminder{
			Rule: RuleLoanDue, Audience: ToCustomer, CustomerID: *l.CustomerID,
			Subject: loanSubject(l.ID), Occasion: "due/" + l.DueBackAt.UTC().Format(time.RFC3339),
			DueAt: today.UTC(), ThreadID: l.ThreadID, Service: true, Locale: l.Locale,
			Template: templates.KeyReminderLoanDue,
			Data: templates.Data{WorkOrderNumber: l.WorkOrderNumber, Vehicle: strings.TrimSpace(l.Model + " " + l.Plate),
				Plate: l.Plate, DueAt: l.DueBackAt},
		})
	}
	return out, nil
}

// LoanOverdue tells the branch about a courtesy car not back in time. Grace
// after its due-back time (a car minutes late is usually on its way in),
// a staff task "Courtesy car … not returned" and the line "Task: … Call
// the customer." in the loan's thread. Then, every Every while the loan is
// still out, a line in the thread with the days late, and a new task only
// when nobody has an overdue task of the thread open (someone called and
// closed it, and the car is still not back): the branch is reminded each
// day without a pile of tasks to close. Staff tasks keep no quiet hours.
// Each period is its own occasion, so a scan missed while the hub was down
// writes the current period's, not the ones missed.
type LoanOverdue struct {
	Grace time.Duration
	Every time.Duration
}

// NewLoanOverdue raises the task an hour after the due-back time, and
// repeats daily.
func NewLoanOverdue() *LoanOverdue { return &LoanOverdue{Grace: time.Hour, Every: 24 * time.Hour} }

// Name is RuleLoanOverdue.
func (*LoanOverdue) Name() string { return RuleLoanOverdue }

// Due lists the current period's task or line of every loan out past its
// due-back time and the grace.
func (r *LoanOverdue) Due(ctx context.Context, st *store.Store, scan Scan) ([]Reminder, error) {
	loans, err := st.LoansOut(ctx, scan.Branch.ID, time.Time{}, scan.Now.Add(-r.Grace))
	if err != nil {
		return nil, fmt.Errorf("loans overdue at branch %s: %w", scan.Branch.Code, err)
	}
	out := make([]Reminder, 0, len(loans))
	for _, l := range loans {
		period := int(scan.Now.Sub(l.DueBackAt)/r.Every) + 1
		dueAt := l.DueBackAt.Add(time.Duration(period-1) * r.Every)
		line := templates.SysLoanStillOverdue
		if period == 1 {
			dueAt, line = l.DueBackAt.Add(r.Grace), templates.SysLoanOverdue
		}
		args := map[string]string{"plate": l.Plate, "model": l.Model, "order": l.WorkOrderNumber,
			"due": l.DueBackAt.In(scan.Loc).Format(loanDueLayout), "days": strconv.Itoa(period - 1)}
		rem := Reminder{
			Rule: RuleLoanOverdue, Audience: ToStaff, Subject: loanSubject(l.ID),
			Occasion: fmt.Sprintf("overdue/%s/%d", l.DueBackAt.UTC().Format(time.RFC3339), period),
			DueAt:    dueAt.UTC(), ThreadID: l.ThreadID,
			Title: templates.SystemLine(scan.Branch.Locale, templates.SysLoanOverdueTask, args, ""),
			Body:  strings.TrimSpace(l.CustomerName + " " + l.CustomerPhone),
			Line:  line, LineArgs: args, OneOpenTask: true,
		}
		if l.CustomerID != nil {
			rem.CustomerID = *l.CustomerID
		}
		out = append(out, rem)
	}
	return out, nil
}
