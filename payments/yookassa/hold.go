package yookassa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"naryad/hub"
	"naryad/payments"
)

// A courtesy car's deposit is a two-stage payment (capture: false): when
// the customer pays on YooKassa's page the money is held on the card and
// the payment waits in waiting_for_capture; Capture takes part or all of
// it (POST /payments/{id}/capture with the amount; the rest goes back to
// the card), Release cancels it (POST /payments/{id}/cancel). YooKassa
// cancels a hold left uncaptured when its expires_at passes (seven days
// for cards; cancellation_details.reason expired_on_capture). A shop that
// sends 54-FZ receipts sends one with the hold (the whole amount) and one
// with the capture (the amount taken): the receipt is registered when the
// money is taken, never for a release.

var _ payments.Holds = (*Provider)(nil)

// Hold makes the deposit's two-stage payment with a redirect to
// YooKassa's page.
func (p *Provider) Hold(ctx context.Context, r payments.CreateRequest) (payments.Created, error) {
	return p.create(ctx, "hold", r, false, holdStateOf)
}

// HoldState asks for the hold's current state (GET /payments/{id}).
func (p *Provider) HoldState(ctx context.Context, providerID string) (payments.State, error) {
	got, err := p.get(ctx, providerID)
	if err != nil {
		return payments.State{}, err
	}
	st, err := holdStateOf(got)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa hold state %s: %w", providerID, err)
	}
	return st, nil
}

// capturePayment is POST /payments/{id}/capture.
type capturePayment struct {
	Amount  amount   `json:"amount"`
	Receipt *receipt `json:"receipt,omitempty"`
}

// Capture takes r.AmountMinor of a payment waiting for capture.
func (p *Provider) Capture(ctx context.Context, r payments.CaptureRequest) (payments.State, error) {
	key, err := idempotenceKey(r.IdempotencyKey)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa capture: %w", err)
	}
	switch {
	case r.ProviderID == "":
		return payments.State{}, errors.New("yookassa capture: no payment id")
	case r.AmountMinor <= 0:
		return payments.State{}, fmt.Errorf("yookassa capture: amount %d is not positive", r.AmountMinor)
	}
	body := capturePayment{Amount: amount{Value: formatAmount(r.AmountMinor), Currency: r.Currency}}
	if p.vatCode > 0 {
		line := []payments.ReceiptLine{{Description: r.Description, QtyMilli: 1000, AmountMinor: r.AmountMinor, Kind: hub.LineLabor}}
		if body.Receipt, err = buildReceipt(r.Customer, line, r.AmountMinor, r.Currency, p.vatCode, p.taxSystem); err != nil {
			return payments.State{}, fmt.Errorf("yookassa capture: %w", err)
		}
	}
	var got payment
	path := "/payments/" + url.PathEscape(r.ProviderID) + "/capture"
	if err := p.call(ctx, "capture", http.MethodPost, path, key, body, &got); err != nil {
		return payments.State{}, err
	}
	return readHold("capture", got)
}

// Release cancels a payment waiting for capture: nothing is taken.
func (p *Provider) Release(ctx context.Context, r payments.ReleaseRequest) (payments.State, error) {
	key, err := idempotenceKey(r.IdempotencyKey)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa release: %w", err)
	}
	if r.ProviderID == "" {
		return payments.State{}, errors.New("yookassa release: no payment id")
	}
	var got payment
	path := "/payments/" + url.PathEscape(r.ProviderID) + "/cancel"
	if err := p.call(ctx, "release", http.MethodPost, path, key, struct{}{}, &got); err != nil {
		return payments.State{}, err
	}
	return readHold("release", got)
}

func readHold(op string, got payment) (payments.State, error) {
	st, err := holdStateOf(got)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa %s %s: %w", op, got.ID, err)
	}
	return st, nil
}

// holdStateOf reads a two-stage payment: waiting_for_capture is the hold
// in place (authorized); succeeded is captured, its amount what was
// taken; canceled is released, expired, or refused before it was held.
func holdStateOf(got payment) (payments.State, error) {
	if got.Status == "waiting_for_capture" {
		st := payments.State{Status: hub.PaymentAuthorized, Currency: got.Amount.Currency}
		if got.PaymentMethod != nil {
			st.Method = got.PaymentMethod.Type
		}
		return st, nil
	}
	return stateOf(got)
}
