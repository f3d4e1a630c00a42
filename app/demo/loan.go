package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// The demo's courtesy-car loan (issue 20): the Moscow branch's Kia Rio
// offered on АА-000101, so its thread shows the courtesy-car card with a
// loan waiting for the customer, and the Škoda stays available for the
// offer form. The car keeps its one open loan across demo runs: a later
// run, whose threads are new, finds it reserved and offers nothing.

// demoLoanPlate is the car the demo lends; demoLoanOrder the work order.
const (
	demoLoanPlate = "А 102 АА 777"
	demoLoanOrder = "АА-000101"
)

// seedLoan offers the demo car on the work order's thread as the advisor
// of the demo's message would from the inbox, and returns the customer's
// link; "" when the car is already promised (an earlier run).
func seedLoan(ctx context.Context, st *store.Store, publicURL string, b hub.Branch, node hub.DMSNode) (string, error) {
	cars, err := st.CourtesyCars(ctx, b.ID, false)
	if err != nil {
		return "", err
	}
	var car *hub.CourtesyCar
	for i := range cars {
		if cars[i].Plate == demoLoanPlate {
			car = &cars[i]
		}
	}
	if car == nil || car.State != hub.CarAvailable {
		return "", nil
	}
	w, err := st.WorkOrderByNumber(ctx, node.ID, demoLoanOrder)
	if err != nil {
		return "", fmt.Errorf("demo loan: %w", err)
	}
	th, err := st.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		return "", fmt.Errorf("demo loan: %w", err)
	}
	settings, err := st.LoanSettings(ctx, b.ID)
	if err != nil {
		return "", err
	}
	token, err := hub.NewToken()
	if err != nil {
		return "", err
	}
	// The car goes when the customer leaves theirs, and comes back a day
	// after the promised time: both in the branch's working hours.
	handover := w.OpenedAt.Add(15 * time.Minute)
	due := handover.Add(48 * time.Hour)
	if w.PromisedAt != nil {
		due = w.PromisedAt.Add(24 * time.Hour)
	}
	l := hub.Loan{BranchID: b.ID, ThreadID: th.ID, WorkOrderID: &w.ID, CarID: car.ID, TokenHash: hub.HashToken(token),
		Locale: templates.LocaleRU, CustomerPhone: th.Phone, HandoverAt: handover.UTC(), DueBackAt: due.UTC(),
		FuelEighths: 8, OdometerKm: 18_450, Terms: settings.TermsRU, IdentityMethod: settings.IdentityMethod,
		DepositMinor: settings.DepositMinor, DepositCurrency: settings.DepositCurrency, OfferedBy: "Ольга Смирнова"}
	if th.CustomerID != nil {
		cu, err := st.Customer(ctx, *th.CustomerID)
		if err != nil {
			return "", err
		}
		l.CustomerName = cu.Name
	}
	loc := b.Location()
	err = st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateLoan(ctx, &l); err != nil {
			return err
		}
		line := hub.SystemLine(th.ID, l.OfferedBy, templates.SysLoanOffered, map[string]string{"by": l.OfferedBy,
			"car": car.Model + " " + car.Plate, "from": handover.In(loc).Format("02.01.2006 15:04"), "to": due.In(loc).Format("02.01.2006 15:04")})
		return tx.AddMessage(ctx, &line)
	})
	if errors.Is(err, store.ErrCarTaken) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("demo loan: %w", err)
	}
	return strings.TrimRight(publicURL, "/") + "/l/" + token, nil
}

// printLoanGuide prints the demo loan's customer link, when this run
// made it.
func printLoanGuide(out io.Writer, link string) {
	if link == "" {
		return
	}
	fmt.Fprintf(out, `
Courtesy car: the Kia Rio %s is offered on work order %s (inbox, the card under the work order).
  The customer's link (shown once): %s
`, demoLoanPlate, demoLoanOrder, link)
}
