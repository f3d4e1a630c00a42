package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// repeatedRefundWindow: the same refund again this soon is a double press
// (or a second admin doing the same), refused.
const repeatedRefundWindow = time.Minute

// Refund returns amountMinor of a succeeded payment to the customer
// through its provider: the amount is booked first (two refunds at once
// never return more than was paid), then the provider asked, then the
// refund recorded with a refund change for the DMS and a line in the
// thread. A refusal gives the booking back; no answer (a timeout) keeps
// it, for the provider may have refunded: the refund stays unconfirmed,
// and the next press retries that same refund with its idempotency key
// before anything else, so the money goes back once. The page audits who
// did it.
func (s *Service) Refund(ctx context.Context, paymentID, amountMinor int64, reason, by string) (hub.PaymentRefund, error) {
	reason = strings.TrimSpace(reason)
	p, err := s.store.Payment(ctx, paymentID)
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	if strings.TrimSpace(by) == "" {
		return hub.PaymentRefund{}, errors.New("payments: refund without who made it")
	}
	switch earlier, err := s.store.UnconfirmedRefund(ctx, p.ID); {
	case err == nil:
		return s.retryRefund(ctx, p, earlier, amountMinor)
	case !errors.Is(err, store.ErrNotFound):
		return hub.PaymentRefund{}, err
	}
	switch {
	case p.Status != hub.PaymentSucceeded || p.Kind == hub.PaymentForLoanDeposit:
		// A deposit taken is refunded in the provider's dashboard: it
		// belongs to no work order the refund change could name.
		return hub.PaymentRefund{}, refuse("refund_not_paid")
	case amountMinor <= 0:
		return hub.PaymentRefund{}, refuse("amount_not_positive")
	case amountMinor > p.RefundableMinor():
		return hub.PaymentRefund{}, refuse("refund_too_much", Amount{p.RefundableMinor(), p.Currency})
	case reason == "":
		return hub.PaymentRefund{}, refuse("refund_reason_missing")
	case !plainText(reason):
		return hub.PaymentRefund{}, refuse("reason_unsendable")
	case utf8.RuneCountInString(reason) > maxReasonRunes:
		return hub.PaymentRefund{}, refuse("reason_too_long", maxReasonRunes)
	}
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return hub.PaymentRefund{}, refuse("refund_provider_gone")
	}
	key, err := newKey()
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: amountMinor, Reason: reason, RefundedBy: by, Status: "pending", IdempotencyKey: key}
	booked, err := s.store.ReserveRefund(ctx, &r, repeatedRefundWindow)
	if errors.Is(err, store.ErrRefundRepeated) {
		return hub.PaymentRefund{}, refuse("refund_repeated", Amount{amountMinor, p.Currency})
	}
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	if !booked {
		return hub.PaymentRefund{}, refuse("refund_meanwhile")
	}
	return s.refundAt(ctx, prov, p, r)
}

// retryRefund asks the provider again for a refund whose outcome is not
// known, with its own key: the provider answers with the refund it made
// or makes it now, never a second one. The refund asked for now (amount)
// is made only when it is that same refund.
func (s *Service) retryRefund(ctx context.Context, p hub.Payment, r hub.PaymentRefund, amountMinor int64) (hub.PaymentRefund, error) {
	prov, err := s.branchProvider(ctx, p)
	if err != nil {
		return hub.PaymentRefund{}, refuse("refund_unconfirmed_gone", Amount{r.AmountMinor, p.Currency})
	}
	done, err := s.refundAt(ctx, prov, p, r)
	if err != nil || amountMinor == r.AmountMinor {
		return done, err
	}
	return done, refuse("refund_earlier_went_through", Amount{r.AmountMinor, p.Currency})
}

// refundAt asks the provider for a booked refund and records the answer.
func (s *Service) refundAt(ctx context.Context, prov Provider, p hub.Payment, r hub.PaymentRefund) (hub.PaymentRefund, error) {
	who, err := s.refundReceiptCustomer(ctx, p)
	if err != nil {
		return hub.PaymentRefund{}, err
	}
	cctx, cancel := s.call(ctx)
	res, err := prov.Refund(cctx, RefundRequest{ProviderID: p.ProviderID, IdempotencyKey: r.IdempotencyKey, AmountMinor: r.AmountMinor,
		Currency: p.Currency, Reason: r.Reason, Customer: who,
		Lines: []ReceiptLine{{Description: hub.TruncateRunes(r.Reason, 128), QtyMilli: 1000, AmountMinor: r.AmountMinor, Kind: hub.LineLabor}}})
	cancel()
	// What the provider did is recorded even when the admin's request
	// went away meanwhile.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		s.log.Warn("refund not made", "payment", p.ID, "refund", r.ID, "error", err)
		var pe *Error
		isPE := errors.As(err, &pe)
		if (isPE && pe.Temporary) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return hub.PaymentRefund{}, refuse("refund_no_answer", Amount{r.AmountMinor, p.Currency})
		}
		if rerr := s.store.ReleaseRefund(ctx, r); rerr != nil {
			s.log.Error("release a refused refund", "refund", r.ID, "error", rerr)
		}
		if isPE && pe.Message != "" {
			return hub.PaymentRefund{}, refuse("refund_refused_saying", pe.Message)
		}
		return hub.PaymentRefund{}, refuse("refund_refused")
	}
	if hub.RefundNotMade(res.Status) {
		// The provider answered that the money did not go back.
		if _, err := s.store.RefundNotMade(ctx, r, res.ProviderID, res.Status); err != nil {
			return hub.PaymentRefund{}, err
		}
		return hub.PaymentRefund{}, refuse("refund_not_made", Amount{r.AmountMinor, p.Currency}, res.Status)
	}
	r.ProviderID, r.Status = res.ProviderID, res.Status
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		wrote, err := tx.SetRefundResult(ctx, r.ID, res.ProviderID, res.Status)
		if err != nil || !wrote {
			return err // !wrote: a retry at the same time recorded it
		}
		w, err := tx.WorkOrder(ctx, p.WorkOrderID)
		if err != nil {
			return err
		}
		c := hub.Change{BranchID: p.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number}
		if err := tx.AppendChange(ctx, &c, hub.RefundData{
			PaymentID: p.ID, RefundID: r.ID, AmountMinor: r.AmountMinor, Currency: p.Currency, Provider: p.Provider,
			ProviderPaymentID: p.ProviderID, ProviderRefundID: res.ProviderID, Reason: r.Reason, RefundedBy: r.RefundedBy,
			RefundedAt: r.CreatedAt,
		}); err != nil {
			return err
		}
		if p.ThreadID == nil {
			return nil
		}
		return systemLine(ctx, tx, *p.ThreadID, templates.SysRefunded, map[string]string{"refund_minor": minor(r.AmountMinor),
			"paid_minor": minor(p.PaidMinor), "currency": p.Currency, "by": r.RefundedBy, "reason": r.Reason})
	})
	if err != nil {
		// The money went back: what is missing is our record of it, and
		// the refund stays unconfirmed, so a retry records it.
		return r, fmt.Errorf("payments: refund %d made at the provider (%s) but not recorded: %w", r.ID, res.ProviderID, err)
	}
	return r, nil
}
