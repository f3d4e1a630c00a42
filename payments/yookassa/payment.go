package yookassa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/payments"
)

// maxDescription is the longest payment description YooKassa takes.
const maxDescription = 128

// Create makes a one-stage payment with a redirect to YooKassa's page and,
// when the branch sends receipts, the 54-FZ receipt of the lines.
func (p *Provider) Create(ctx context.Context, r payments.CreateRequest) (payments.Created, error) {
	return p.create(ctx, "create", r, true, stateOf)
}

// create makes a payment with a redirect to YooKassa's page: one-stage
// (capture true), or a hold to capture later (capture false, hold.go). op
// names the call in errors; read turns the answer into the hub's state.
func (p *Provider) create(ctx context.Context, op string, r payments.CreateRequest, capture bool, read func(payment) (payments.State, error)) (payments.Created, error) {
	key, err := idempotenceKey(r.IdempotencyKey)
	if err != nil {
		return payments.Created{}, fmt.Errorf("yookassa %s: %w", op, err)
	}
	if r.AmountMinor <= 0 {
		return payments.Created{}, fmt.Errorf("yookassa %s: amount %d is not positive", op, r.AmountMinor)
	}
	if len(r.Currency) != 3 || strings.ToUpper(r.Currency) != r.Currency {
		return payments.Created{}, fmt.Errorf("yookassa %s: currency %q is not an ISO 4217 code", op, r.Currency)
	}
	if u, err := url.Parse(r.ReturnURL); err != nil || u.Host == "" {
		return payments.Created{}, fmt.Errorf("yookassa %s: return URL %q is not an absolute address", op, r.ReturnURL)
	}
	body := createPayment{
		Amount:  amount{Value: formatAmount(r.AmountMinor), Currency: r.Currency},
		Capture: capture,
		Confirmation: confirmation{
			Type:      "redirect",
			ReturnURL: r.ReturnURL,
			Locale:    locale(r.Locale),
		},
		Description: hub.TruncateRunes(strings.TrimSpace(r.Description), maxDescription),
		Metadata:    map[string]string{"naryad_payment_id": strconv.FormatInt(r.PaymentID, 10)},
	}
	if !capture {
		body.Metadata["naryad_kind"] = hub.PaymentForLoanDeposit
	}
	if p.vatCode > 0 {
		body.Receipt, err = buildReceipt(r.Customer, r.Lines, r.AmountMinor, r.Currency, p.vatCode, p.taxSystem)
		if err != nil {
			return payments.Created{}, fmt.Errorf("yookassa %s: %w", op, err)
		}
	}
	var got payment
	if err := p.call(ctx, op, http.MethodPost, "/payments", key, body, &got); err != nil {
		return payments.Created{}, err
	}
	st, err := read(got)
	if err != nil {
		return payments.Created{}, fmt.Errorf("yookassa %s: %w", op, err)
	}
	c := payments.Created{ProviderID: got.ID, State: st}
	if got.Confirmation != nil {
		c.URL = got.Confirmation.ConfirmationURL
	}
	if got.ID == "" || (c.URL == "" && st.Status == hub.PaymentPending) {
		return payments.Created{}, &payments.Error{Provider: hub.ProviderYooKassa, Op: op, Status: http.StatusOK, Message: "the answer has no payment id or confirmation_url"}
	}
	return c, nil
}

// Fetch asks for the payment's current state (GET /payments/{id}).
func (p *Provider) Fetch(ctx context.Context, providerID string) (payments.State, error) {
	got, err := p.get(ctx, providerID)
	if err != nil {
		return payments.State{}, err
	}
	st, err := stateOf(got)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa fetch %s: %w", providerID, err)
	}
	return st, nil
}

func (p *Provider) get(ctx context.Context, providerID string) (payment, error) {
	if providerID == "" {
		return payment{}, errors.New("yookassa fetch: no payment id")
	}
	var got payment
	err := p.call(ctx, "fetch", http.MethodGet, "/payments/"+url.PathEscape(providerID), "", nil, &got)
	return got, err
}

// Cancel cancels a payment waiting for capture. Any other payment is left
// as it is and its fetched state returned: a pending one cannot be
// cancelled through the API and expires on its own (see the package doc);
// a succeeded or cancelled one is final.
func (p *Provider) Cancel(ctx context.Context, providerID string) (payments.State, error) {
	got, err := p.get(ctx, providerID)
	if err != nil {
		return payments.State{}, err
	}
	if got.Status == "waiting_for_capture" {
		var cancelled payment
		path := "/payments/" + url.PathEscape(providerID) + "/cancel"
		key, _ := idempotenceKey("cancel-" + providerID)
		if err := p.call(ctx, "cancel", http.MethodPost, path, key, struct{}{}, &cancelled); err != nil {
			return payments.State{}, err
		}
		got = cancelled
	}
	st, err := stateOf(got)
	if err != nil {
		return payments.State{}, fmt.Errorf("yookassa cancel %s: %w", providerID, err)
	}
	return st, nil
}

// stateOf reads a payment object into the hub's words.
func stateOf(got payment) (payments.State, error) {
	st := payments.State{Currency: got.Amount.Currency}
	if got.PaymentMethod != nil {
		st.Method = got.PaymentMethod.Type
	}
	switch got.Status {
	case "pending", "waiting_for_capture":
		st.Status = hub.PaymentPending
	case "succeeded":
		st.Status = hub.PaymentSucceeded
		paid, err := parseAmount(got.Amount.Value)
		if err != nil {
			return payments.State{}, err
		}
		st.PaidMinor = paid
		if got.CapturedAt != nil {
			st.PaidAt = *got.CapturedAt
		}
	case "canceled":
		st.Status = hub.PaymentCancelled
		if got.CancellationDetails != nil {
			st.Reason = got.CancellationDetails.Reason
		}
	default:
		return payments.State{}, fmt.Errorf("unknown payment status %q", got.Status)
	}
	return st, nil
}

// locale is the hosted page's language: YooKassa has Russian and English.
func locale(l string) string {
	if l == "ru" {
		return "ru_RU"
	}
	return "en_US"
}
