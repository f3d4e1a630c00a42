package payments

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// A courtesy car's deposit (issue 20) is a card hold at the branch's
// provider: a payment of kind hub.PaymentForLoanDeposit, the loan's and no
// work order's. StartHold (here) makes the provider's page; holdMoved
// (deposit_apply.go) applies what the provider says of it, from a webhook
// or a check; SettleDeposit and ReleaseDeposit (deposit_settle.go) take
// it or let it go at the return.

// StartHold makes or reuses the provider's page where the customer
// authorises the hold of their loan's deposit, and returns where they go
// (hub/web/loan's Deposits). The hold is recorded when the provider
// confirms it (webhook or check), never from the return alone; returnURL
// is where the provider sends the customer back, whatever happened.
// Fifteen presses at once make one hold: the loan's open hold is unique
// in the database, and every retry of its create at the provider carries
// the same idempotency key. A refusal is a *UserError in the loan's
// language.
func (s *Service) StartHold(ctx context.Context, l hub.Loan, returnURL string) (string, error) {
	url, err := s.startHold(ctx, l.ID, returnURL)
	var dp depositProblem
	if errors.As(err, &dp) {
		return "", &UserError{Msg: dp.in(l.Locale)}
	}
	var cp customerProblem
	if errors.As(err, &cp) {
		return "", &UserError{Msg: cp.in(l.Locale)}
	}
	return url, err
}

func (s *Service) startHold(ctx context.Context, loanID int64, returnURL string) (string, error) {
	if !returnAddress(returnURL) {
		return "", fmt.Errorf("payments: hold of loan %d: the return address is not an absolute http(s) URL", loanID)
	}
	l, err := s.store.Loan(ctx, loanID) // as it is now, not as the page read it
	if err != nil {
		return "", err
	}
	switch {
	case l.DepositMinor <= 0 || l.DepositStatus == hub.DepositNone:
		return "", depositNotAsked
	case l.DepositStatus != hub.DepositRequired && l.DepositStatus != hub.DepositFailed:
		return "", depositHeldAlready
	case l.State != hub.LoanOffered:
		return "", depositClosed
	}
	bp, err := s.store.BranchPayment(ctx, l.BranchID)
	if errors.Is(err, store.ErrNotFound) {
		return "", depositNotOnline
	}
	if err != nil {
		return "", err
	}
	if !hub.ProviderTakes(bp.Provider, l.DepositCurrency) {
		return "", depositNotOnline
	}
	prov, err := s.providerFor(bp)
	if err != nil {
		return "", err
	}
	h, ok := prov.(Holds)
	if !ok {
		return "", depositNotOnline
	}
	for range 3 { // a page found closed at the provider is replaced by a new one
		p, err := s.openHold(ctx, l, bp)
		if err != nil {
			return "", err
		}
		if p.Status == hub.PaymentAuthorized {
			return "", depositHeldAlready
		}
		url, open, err := s.holdPage(ctx, h, l, p, returnURL)
		if err != nil || open {
			return url, err
		}
	}
	return "", problemTryAgain
}

// openHold returns the loan's open hold, or makes one (pending, checked
// by the poller from checkAfter[0] in case its webhook is lost).
func (s *Service) openHold(ctx context.Context, l hub.Loan, bp hub.BranchPayment) (hub.Payment, error) {
	for range 3 {
		open, err := s.store.OpenHoldOfLoan(ctx, l.ID)
		switch {
		case err == nil && open.Provider != bp.Provider:
			// Made under the branch's previous provider (turning it off
			// closes such pages first, so this is a page that could not be
			// closed): the customer waits for it to expire.
			s.log.Warn("a deposit hold is open at the branch's previous provider", "loan", l.ID, "payment", open.ID)
			return hub.Payment{}, problemTryAgain
		case err == nil:
			return open, nil
		case !errors.Is(err, store.ErrNotFound):
			return hub.Payment{}, err
		}
		key, err := newKey()
		if err != nil {
			return hub.Payment{}, err
		}
		next := s.now().Add(checkAfter[0])
		p := hub.Payment{BranchID: l.BranchID, LoanID: &l.ID, Kind: hub.PaymentForLoanDeposit, AmountMinor: l.DepositMinor,
			Currency: l.DepositCurrency, Provider: bp.Provider, IdempotencyKey: key, Status: hub.PaymentPending, NextCheckAt: &next}
		err = s.store.CreateHold(ctx, &p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, store.ErrOpenHoldExists) {
			return hub.Payment{}, err
		}
		// Another press made it a moment ago: take that one.
	}
	return hub.Payment{}, problemTryAgain
}

// holdPage makes sure the hold has its page at the provider, as
// hostedPage does for a payment: a page made before is reused while the
// provider says it is still open; one the customer completed meanwhile is
// applied and the customer sent back to the loan's page; one closed is
// applied and open is false (the caller makes a new hold).
func (s *Service) holdPage(ctx context.Context, h Holds, l hub.Loan, p hub.Payment, returnURL string) (string, bool, error) {
	if p.ProviderID != "" {
		cctx, cancel := s.call(ctx)
		st, err := h.HoldState(cctx, p.ProviderID)
		cancel()
		if err != nil {
			s.log.Warn("deposit hold state unknown, reusing its page", "payment", p.ID, "error", err)
			return p.PaymentURL, true, nil
		}
		if st.Status == hub.PaymentPending {
			return p.PaymentURL, true, nil
		}
		if _, err := s.settleHold(ctx, p, st, nil, ""); err != nil {
			return "", false, err
		}
		if st.Status == hub.PaymentAuthorized {
			return returnURL, true, nil // held: the loan's page says so
		}
		return "", false, nil
	}
	req, err := s.holdRequest(ctx, l, p, returnURL)
	if err != nil {
		return "", false, err
	}
	cctx, cancel := s.call(ctx)
	created, err := h.Hold(cctx, req)
	cancel()
	if err != nil {
		s.log.Error("create deposit hold at provider", "payment", p.ID, "loan", l.ID, "provider", p.Provider, "error", err)
		if !keyReused(err) {
			return "", false, problemProviderDown
		}
		// As in hostedPage: an earlier create reached the provider with
		// other parameters (another return address) and its answer was
		// lost; its page was never shown, so the hold is given up and the
		// caller makes a new one. A racing press that saved it wins.
		now, err := s.store.Payment(ctx, p.ID)
		if err != nil {
			return "", false, err
		}
		if now.ProviderID != "" {
			return now.PaymentURL, now.Status == hub.PaymentPending && now.PaymentURL != "", nil
		}
		st := State{Status: hub.PaymentFailed, Reason: "its page at the provider could not be opened again"}
		if _, err := s.settleHold(ctx, p, st, nil, ""); err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	var wrote bool
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if wrote, err = tx.SetPaymentCreated(ctx, p.ID, created.ProviderID, created.URL); err != nil || !wrote {
			return err
		}
		// Staff see in the thread that the customer is leaving the deposit.
		return systemLine(ctx, tx, l.ThreadID, templates.SysLoanDepositPageOpened, map[string]string{"provider": p.Provider,
			"amount_minor": minor(p.AmountMinor), "currency": p.Currency, "payment": minor(p.ID)})
	})
	if err != nil {
		return "", false, err
	}
	if !wrote {
		if p, err = s.store.Payment(ctx, p.ID); err != nil {
			return "", false, err
		}
		if p.Status != hub.PaymentPending || p.PaymentURL == "" {
			return "", false, nil
		}
		return p.PaymentURL, true, nil
	}
	if p.Checks > 0 {
		// A create retried after a failure: checked from now.
		next := s.now().Add(checkAfter[0])
		if err := s.store.SchedulePaymentCheck(ctx, p.ID, 0, &next); err != nil {
			return "", false, err
		}
	}
	return created.URL, true, nil
}

// holdRequest is what the provider is asked to hold: the deposit, named
// by the car, in the customer's language, with the customer for a fiscal
// receipt (YooKassa registers it when money is taken).
func (s *Service) holdRequest(ctx context.Context, l hub.Loan, p hub.Payment, returnURL string) (CreateRequest, error) {
	car, err := s.store.CourtesyCar(ctx, l.BranchID, l.CarID)
	if err != nil {
		return CreateRequest{}, err
	}
	locale := templates.NormalizeLocale(l.Locale)
	desc := depositDescription(locale, car.Plate)
	return CreateRequest{
		PaymentID: p.ID, IdempotencyKey: p.IdempotencyKey, AmountMinor: p.AmountMinor, Currency: p.Currency,
		Description: desc, ReturnURL: returnURL, Locale: locale,
		Customer: ReceiptCustomer{Name: l.CustomerName, Phone: l.CustomerPhone},
		Lines:    []ReceiptLine{{Description: desc, QtyMilli: 1000, AmountMinor: p.AmountMinor, Kind: hub.LineLabor}},
	}, nil
}

// maxReturnURL bounds the address the provider sends the customer back
// to: the hub's own loan link is far shorter.
const maxReturnURL = 2000

// returnAddress tells whether u can be a provider's return address: an
// absolute http(s) URL of printable ASCII.
func returnAddress(u string) bool {
	if len(u) > maxReturnURL || !plainID(u, maxReturnURL) {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}
