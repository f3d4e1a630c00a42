package yookassa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"naryad/hub"
	"naryad/payments"
)

// maxRefundDescription is the longest refund description YooKassa takes.
const maxRefundDescription = 250

// Refund returns part or all of a succeeded payment (POST /refunds), with
// the refund's receipt when the branch sends receipts: the request's lines
// scaled to the refunded amount, or one line named by the reason.
func (p *Provider) Refund(ctx context.Context, r payments.RefundRequest) (payments.Refunded, error) {
	key, err := idempotenceKey(r.IdempotencyKey)
	if err != nil {
		return payments.Refunded{}, fmt.Errorf("yookassa refund: %w", err)
	}
	if r.ProviderID == "" {
		return payments.Refunded{}, errors.New("yookassa refund: no payment id")
	}
	if r.AmountMinor <= 0 {
		return payments.Refunded{}, fmt.Errorf("yookassa refund: amount %d is not positive", r.AmountMinor)
	}
	reason := strings.TrimSpace(r.Reason)
	body := createRefund{
		PaymentID:   r.ProviderID,
		Amount:      amount{Value: formatAmount(r.AmountMinor), Currency: r.Currency},
		Description: hub.TruncateRunes(reason, maxRefundDescription),
	}
	if p.vatCode > 0 {
		lines := r.Lines
		if len(lines) == 0 {
			name := reason
			if name == "" {
				name = "Возврат оплаты"
			}
			lines = []payments.ReceiptLine{{Description: name, QtyMilli: 1000, AmountMinor: r.AmountMinor, Kind: hub.LineLabor}}
		}
		body.Receipt, err = buildReceipt(r.Customer, lines, r.AmountMinor, r.Currency, p.vatCode, p.taxSystem)
		if err != nil {
			return payments.Refunded{}, fmt.Errorf("yookassa refund: %w", err)
		}
	}
	var got refund
	if err := p.call(ctx, "refund", http.MethodPost, "/refunds", key, body, &got); err != nil {
		return payments.Refunded{}, err
	}
	if got.ID == "" {
		return payments.Refunded{}, &payments.Error{Provider: hub.ProviderYooKassa, Op: "refund", Status: http.StatusOK, Message: "the answer has no refund id"}
	}
	return payments.Refunded{ProviderID: got.ID, Status: got.Status}, nil
}
