package payments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
)

// SettleDeposit settles a courtesy car's deposit at the return: it takes
// captureMinor of the hold (part or all; the rest goes back to the card)
// or, with captureMinor 0, releases it. Only a loan that is back
// (returned), or that ended before the car left (withdrawn, refused: then
// only a release), with its deposit held. The provider is asked first, with
// an idempotency key of the hold and the action, so pressing again after
// a lost answer repeats the same capture rather than making a second; its
// answer is then recorded in one transaction (the loan's deposit captured
// or released, a `payment` change of kind loan_deposit for what was
// taken, the thread's line, the customer's message on their channel). by
// is who settled it, as the thread shows them; the page audits it. A
// refusal is a *UserError with a key of DepositRefusals.
func (s *Service) SettleDeposit(ctx context.Context, loanID, captureMinor int64, by string) error {
	by = strings.TrimSpace(by)
	if by == "" {
		return errors.New("payments: a deposit settled without who settled it")
	}
	l, err := s.store.Loan(ctx, loanID)
	if err != nil {
		return err
	}
	switch {
	case captureMinor < 0:
		return refuse("deposit_amount_bad")
	case l.DepositPaymentID == nil || l.DepositStatus != hub.DepositHeld:
		if l.DepositStatus == hub.DepositCaptured || l.DepositStatus == hub.DepositReleased {
			return refuse("deposit_meanwhile")
		}
		return refuse("deposit_not_held")
	case l.State == hub.LoanOffered || l.State == hub.LoanOut:
		return refuse("deposit_not_back")
	case captureMinor > 0 && l.State != hub.LoanReturned && l.State != hub.LoanClosed:
		return refuse("deposit_never_out")
	}
	p, err := s.store.Payment(ctx, *l.DepositPaymentID)
	if err != nil {
		return err
	}
	switch {
	case p.Status != hub.PaymentAuthorized:
		return refuse("deposit_meanwhile")
	case captureMinor > p.AmountMinor:
		return refuse("deposit_too_much", Amount{p.AmountMinor, p.Currency})
	}
	return s.settleDepositAt(ctx, p, captureMinor, by)
}

// settleDepositAt asks the hold's provider to capture captureMinor (or,
// 0, to release) and records its answer.
func (s *Service) settleDepositAt(ctx context.Context, p hub.Payment, captureMinor int64, by string) error {
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return refuse("deposit_provider_gone")
	}
	h, ok := prov.(Holds)
	if !ok {
		return refuse("deposit_provider_gone")
	}
	want := hub.PaymentCancelled
	if captureMinor > 0 {
		want = hub.PaymentSucceeded
	}
	st, err := s.askSettle(ctx, h, p, captureMinor)
	// What the provider did is recorded even when the person's request
	// went away meanwhile.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		s.log.Warn("deposit not settled at the provider", "payment", p.ID, "capture_minor", captureMinor, "error", err)
		var pe *Error
		if (errors.As(err, &pe) && pe.Temporary) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			// It may have happened: the poller asks soon, and a press
			// again repeats the same call with the same key.
			next := s.now().Add(checkAfter[0])
			if serr := s.store.ScheduleHeldCheck(ctx, p.ID, p.Checks, &next); serr != nil {
				s.log.Error("schedule a check of a deposit hold", "payment", p.ID, "error", serr)
			}
			return refuse("deposit_no_answer")
		}
		// Refused: perhaps because the hold was settled or lapsed
		// meanwhile; the provider's state of it is then the answer.
		cctx, cancel := s.call(ctx)
		now, ferr := h.HoldState(cctx, p.ProviderID)
		cancel()
		if ferr == nil && now.Status != hub.PaymentAuthorized && now.Status != hub.PaymentPending {
			if _, err := s.settleHold(ctx, p, now, nil, ""); err != nil {
				return err
			}
			return refuse("deposit_meanwhile")
		}
		if errors.As(err, &pe) && pe.Message != "" {
			return refuse("deposit_refused_saying", pe.Message)
		}
		return refuse("deposit_refused_saying", err.Error())
	}
	if st.Status != want || (want == hub.PaymentSucceeded && st.PaidMinor != captureMinor) {
		// The provider answered with another outcome (the hold lapsed
		// before the call, or an earlier capture of another amount):
		// that is what happened.
		if _, err := s.settleHold(ctx, p, st, nil, ""); err != nil {
			return err
		}
		return refuse("deposit_meanwhile")
	}
	changed, err := s.settleHold(ctx, p, st, nil, by)
	if err != nil || changed {
		return err
	}
	// A second press at the same moment (the same call, the same key: the
	// provider did it once) or the poller recorded it first: the person
	// who pressed is told, and their page audits nothing.
	return refuse("deposit_meanwhile")
}

// askSettle is the provider call of a settlement, with an idempotency key
// of the hold and the action: the same capture (or release) pressed again
// is the same call.
func (s *Service) askSettle(ctx context.Context, h Holds, p hub.Payment, captureMinor int64) (State, error) {
	cctx, cancel := s.call(ctx)
	defer cancel()
	if captureMinor == 0 {
		return h.Release(cctx, ReleaseRequest{ProviderID: p.ProviderID, IdempotencyKey: p.IdempotencyKey + "-release"})
	}
	who, desc, err := s.captureFor(ctx, p)
	if err != nil {
		return State{}, err
	}
	return h.Capture(cctx, CaptureRequest{ProviderID: p.ProviderID, IdempotencyKey: p.IdempotencyKey + "-capture-" + strconv.FormatInt(captureMinor, 10),
		AmountMinor: captureMinor, Currency: p.Currency, Description: desc, Customer: who})
}

// captureFor is who the capture's fiscal receipt goes to, and what it
// names: the loan's customer and the deposit.
func (s *Service) captureFor(ctx context.Context, p hub.Payment) (ReceiptCustomer, string, error) {
	l, err := s.store.Loan(ctx, *p.LoanID)
	if err != nil {
		return ReceiptCustomer{}, "", err
	}
	car, err := s.store.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return ReceiptCustomer{}, "", err
	}
	return ReceiptCustomer{Name: l.CustomerName, Phone: l.CustomerPhone}, depositDescription(l.Locale, car.Plate), nil
}

// DepositReleasedBy is who the thread's line names for a deposit the hub
// releases by itself (a loan withdrawn or refused).
const DepositReleasedBy = "naryad"

// ReleaseDeposit lets go of the deposit of a loan that ended before the
// car left (withdrawn, or its identity check refused), or whose deposit
// was left at the desk instead (hub.DepositAtDesk): a hold in place is
// released at the provider (the customer told, as for a release at the
// return), and a page still open is closed so nothing more is held. The
// offer's actions call it after the loan's change committed; a loan in
// any other state, or with nothing held, is left as it is. A release that
// fails (the provider does not answer) is retried by the poller. The
// release is audited, by nobody (the hub did it).
func (s *Service) ReleaseDeposit(ctx context.Context, loanID int64) error {
	l, err := s.store.Loan(ctx, loanID)
	if err != nil {
		return err
	}
	// A deposit left at the desk makes any card hold of the loan unwanted
	// too (the customer finished the provider's page after staff recorded
	// the cash, or left it open).
	if l.State != hub.LoanWithdrawn && l.State != hub.LoanRefused && !hub.DepositAtDesk(l.DepositStatus) {
		return nil
	}
	p, err := s.store.OpenHoldOfLoan(ctx, l.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Status == hub.PaymentPending {
		return s.closeHoldPage(ctx, p)
	}
	if err := s.settleDepositAt(ctx, p, 0, DepositReleasedBy); err != nil {
		return fmt.Errorf("payments: release the deposit of loan %d: %w", l.ID, err)
	}
	return s.store.Audit(ctx, store.AuditEntry{Action: store.AuditLoanDeposit, Subject: "loan " + strconv.FormatInt(l.ID, 10),
		Detail: fmt.Sprintf("hold %d released by naryad: the loan is %s, its deposit %s", p.ID, l.State, l.DepositStatus)})
}

// closeHoldPage closes a hold's page still open at the provider (Stripe
// expires the session; YooKassa cannot close an unpaid payment, which
// expires by itself, and a hold made there later is released when it is
// seen) and applies what the provider then says.
func (s *Service) closeHoldPage(ctx context.Context, p hub.Payment) error {
	if p.ProviderID == "" {
		_, err := s.settleHold(ctx, p, State{Status: hub.PaymentCancelled, Reason: "the loan ended before the page was made"}, nil, "")
		return err
	}
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return err
	}
	st, err := s.cancelAt(ctx, prov, p)
	if err != nil {
		return err
	}
	_, err = s.settleHold(ctx, p, st, nil, "")
	return err
}
