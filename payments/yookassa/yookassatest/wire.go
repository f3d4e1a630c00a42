package yookassatest

import (
	"encoding/json"
	"errors"
	"time"
)

// The objects of YooKassa API v3 as the fake answers them
// (https://yookassa.ru/developers/api). The fields tagged `json:"-"` are
// not in YooKassa's answers: they keep what the shop sent, for a test's
// assertions.

// Amount is YooKassa's money: a decimal string with two places.
type Amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// Confirmation is how the customer confirms the payment. The fake makes
// only "redirect" ones; ConfirmationURL is the fake's checkout page.
type Confirmation struct {
	Type            string `json:"type"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

// PaymentMethod is what the customer paid with.
type PaymentMethod struct {
	Type  string `json:"type"` // bank_card, sbp, sberbank, yoo_money, …
	ID    string `json:"id"`
	Saved bool   `json:"saved"`
	Title string `json:"title,omitempty"`
}

// CancellationDetails says who cancelled a payment or refund, and why.
type CancellationDetails struct {
	Party  string `json:"party"`  // yoo_money, payment_network, merchant
	Reason string `json:"reason"` // expired_on_confirmation, canceled_by_merchant, …
}

// Recipient is the shop that receives the money.
type Recipient struct {
	AccountID string `json:"account_id"`
	GatewayID string `json:"gateway_id"`
}

// Payment is YooKassa's payment object.
type Payment struct {
	ID                  string               `json:"id"`
	Status              string               `json:"status"` // pending, waiting_for_capture, succeeded, canceled
	Paid                bool                 `json:"paid"`
	Amount              Amount               `json:"amount"`
	IncomeAmount        *Amount              `json:"income_amount,omitempty"`
	Description         string               `json:"description,omitempty"`
	Recipient           Recipient            `json:"recipient"`
	PaymentMethod       *PaymentMethod       `json:"payment_method,omitempty"`
	CapturedAt          *time.Time           `json:"captured_at,omitempty"`
	CreatedAt           time.Time            `json:"created_at"`
	ExpiresAt           *time.Time           `json:"expires_at,omitempty"`
	Confirmation        *Confirmation        `json:"confirmation,omitempty"`
	Test                bool                 `json:"test"`
	RefundedAmount      *Amount              `json:"refunded_amount,omitempty"`
	Refundable          bool                 `json:"refundable"`
	ReceiptRegistration string               `json:"receipt_registration,omitempty"`
	Metadata            map[string]string    `json:"metadata"`
	CancellationDetails *CancellationDetails `json:"cancellation_details,omitempty"`

	Capture   bool     `json:"-"` // the request's capture
	ReturnURL string   `json:"-"` // the request's confirmation.return_url
	Locale    string   `json:"-"` // the request's confirmation.locale
	Receipt   *Receipt `json:"-"` // the request's receipt, nil when none was sent
	// CaptureReceipt is the capture's receipt (a two-stage payment's), nil
	// when none was sent.
	CaptureReceipt *Receipt `json:"-"`
}

// Refund is YooKassa's refund object.
type Refund struct {
	ID                  string    `json:"id"`
	PaymentID           string    `json:"payment_id"`
	Status              string    `json:"status"` // pending, succeeded, canceled
	CreatedAt           time.Time `json:"created_at"`
	Amount              Amount    `json:"amount"`
	Description         string    `json:"description,omitempty"`
	ReceiptRegistration string    `json:"receipt_registration,omitempty"`

	Receipt *Receipt `json:"-"` // the request's receipt, nil when none was sent
}

// Receipt is the 54-FZ receipt data a payment or refund request carries.
type Receipt struct {
	Customer      ReceiptCustomer `json:"customer"`
	Items         []ReceiptItem   `json:"items"`
	TaxSystemCode int             `json:"tax_system_code,omitempty"`
}

// ReceiptCustomer is who the receipt goes to.
type ReceiptCustomer struct {
	FullName string `json:"full_name,omitempty"`
	INN      string `json:"inn,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
}

// ReceiptItem is one line of a receipt: Amount is the price of one unit.
type ReceiptItem struct {
	Description    string  `json:"description"`
	Quantity       Decimal `json:"quantity"`
	Amount         Amount  `json:"amount"`
	VATCode        int     `json:"vat_code"`
	PaymentMode    string  `json:"payment_mode,omitempty"`
	PaymentSubject string  `json:"payment_subject,omitempty"`
}

// Decimal is a quantity as YooKassa takes it: a JSON string ("1.000") or
// number (1).
type Decimal string

// UnmarshalJSON takes a string or a number.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*d = Decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("quantity is neither a string nor a number")
	}
	*d = Decimal(n.String())
	return nil
}

// Notification is the body YooKassa POSTs to a shop's webhook address.
type Notification struct {
	Type   string `json:"type"` // "notification"
	Event  string `json:"event"`
	Object any    `json:"object"` // a Payment or a Refund
}

// apiError is the body of every error answer.
type apiError struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Parameter   string `json:"parameter,omitempty"`

	status int
}
