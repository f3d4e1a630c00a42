package payments

import (
	"context"
	"errors"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// hostedPage makes sure the payment has its page at the provider: a page
// made before is reused while the provider says it is still open (open
// false, and its state applied, when it is not); otherwise it is created,
// with the payment's idempotency key.
func (s *Service) hostedPage(ctx context.Context, prov Provider, t hub.Thread, w hub.WorkOrder, p hub.Payment, returnURL string) (string, bool, error) {
	if p.ProviderID != "" {
		cctx, cancel := s.call(ctx)
		st, err := prov.Fetch(cctx, p.ProviderID)
		cancel()
		if err != nil {
			// The provider's own page tells the customer what it knows.
			s.log.Warn("payment state unknown, reusing its page", "payment", p.ID, "error", err)
			return p.PaymentURL, true, nil
		}
		if st.Status == hub.PaymentPending {
			return p.PaymentURL, true, nil
		}
		if _, err := s.settle(ctx, p, st, nil); err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	req, err := s.createRequest(ctx, t, w, p, returnURL)
	if err != nil {
		return "", false, err
	}
	cctx, cancel := s.call(ctx)
	created, err := prov.Create(cctx, req)
	cancel()
	if err != nil {
		s.log.Error("create payment at provider", "payment", p.ID, "provider", p.Provider, "error", err)
		if keyReused(err) {
			// An earlier create of this payment reached the provider but
			// its answer did not reach us, and what we ask now differs
			// (another link's return address, a new e-mail on the
			// receipt): the provider refuses the key for good. Its page
			// was never shown to anyone, so the payment is given up and
			// the caller makes a new one with a new key.
			// A racing press that got the page (and saved it) wins.
			if now, err := s.store.Payment(ctx, p.ID); err != nil || now.ProviderID != "" {
				if err != nil {
					return "", false, err
				}
				return now.PaymentURL, now.Status == hub.PaymentPending && now.PaymentURL != "", nil
			}
			st := State{Status: hub.PaymentFailed, Reason: "its page at the provider could not be opened again"}
			if _, err := s.settle(ctx, p, st, nil); err != nil {
				return "", false, err
			}
			return "", false, nil
		}
		return "", false, problemProviderDown
	}
	var wrote bool
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if wrote, err = tx.SetPaymentCreated(ctx, p.ID, created.ProviderID, created.URL); err != nil || !wrote || p.ThreadID == nil {
			return err
		}
		// Staff see in the thread that the customer is paying.
		return systemLine(ctx, tx, *p.ThreadID, templates.SysPaymentPageOpened, map[string]string{"provider": p.Provider,
			"amount_minor": minor(p.AmountMinor), "currency": p.Currency, "payment": minor(p.ID)})
	})
	if err != nil {
		return "", false, err
	}
	if !wrote {
		// A racing press recorded it first: the same payment at the
		// provider (same idempotency key), so its page is as good.
		if p, err = s.store.Payment(ctx, p.ID); err != nil {
			return "", false, err
		}
		if p.Status != hub.PaymentPending || p.PaymentURL == "" {
			return "", false, nil // closed meanwhile: the caller makes a new one
		}
		return p.PaymentURL, true, nil
	}
	if p.NextCheckAt == nil || p.Checks > 0 {
		// A request, or a create retried after a failure: polled from now.
		next := s.now().Add(checkAfter[0])
		if err := s.store.SchedulePaymentCheck(ctx, p.ID, 0, &next); err != nil {
			return "", false, err
		}
	}
	return created.URL, true, nil
}

// keyReused tells whether a provider refused a create because its
// idempotency key was used before with other parameters (Stripe's
// idempotency_error; YooKassa's invalid_request about the Idempotence-Key).
func keyReused(err error) bool {
	var pe *Error
	if !errors.As(err, &pe) || pe.Temporary {
		return false
	}
	return pe.Code == "idempotency_error" || strings.Contains(pe.Message, "Idempotence-Key") || strings.Contains(pe.Message, "Idempotence key")
}
