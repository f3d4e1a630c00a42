package yookassa

import (
	"encoding/json"
	"time"
)

// The request and response bodies of YooKassa API v3, as documented
// (https://yookassa.ru/developers/api): only the fields the hub sends or
// reads.

type amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type confirmation struct {
	Type            string `json:"type"`
	ReturnURL       string `json:"return_url,omitempty"`
	Locale          string `json:"locale,omitempty"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

type receipt struct {
	Customer      receiptCustomer `json:"customer"`
	Items         []receiptItem   `json:"items"`
	TaxSystemCode int             `json:"tax_system_code,omitempty"`
}

type receiptCustomer struct {
	FullName string `json:"full_name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

type receiptItem struct {
	Description    string      `json:"description"`
	Quantity       json.Number `json:"quantity"` // a JSON number, as documented
	Amount         amount      `json:"amount"`
	VATCode        int         `json:"vat_code"`
	PaymentMode    string      `json:"payment_mode"`
	PaymentSubject string      `json:"payment_subject"`
}

// createPayment is POST /payments.
type createPayment struct {
	Amount       amount            `json:"amount"`
	Capture      bool              `json:"capture"`
	Confirmation confirmation      `json:"confirmation"`
	Description  string            `json:"description,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	Receipt      *receipt          `json:"receipt,omitempty"`
}

// payment is the payment object every payments call answers with.
type payment struct {
	ID                  string               `json:"id"`
	Status              string               `json:"status"` // pending, waiting_for_capture, succeeded, canceled
	Paid                bool                 `json:"paid"`
	Amount              amount               `json:"amount"`
	Confirmation        *confirmation        `json:"confirmation,omitempty"`
	PaymentMethod       *paymentMethod       `json:"payment_method,omitempty"`
	CancellationDetails *cancellationDetails `json:"cancellation_details,omitempty"`
	CapturedAt          *time.Time           `json:"captured_at,omitempty"`
	RefundedAmount      *amount              `json:"refunded_amount,omitempty"`
}

type paymentMethod struct {
	Type string `json:"type"` // bank_card, sbp, sberbank, yoo_money, tinkoff_bank, …
	ID   string `json:"id"`
}

type cancellationDetails struct {
	Party  string `json:"party"`
	Reason string `json:"reason"`
}

// createRefund is POST /refunds.
type createRefund struct {
	PaymentID   string   `json:"payment_id"`
	Amount      amount   `json:"amount"`
	Description string   `json:"description,omitempty"`
	Receipt     *receipt `json:"receipt,omitempty"`
}

type refund struct {
	ID        string `json:"id"`
	PaymentID string `json:"payment_id"`
	Status    string `json:"status"` // pending, succeeded, canceled
	Amount    amount `json:"amount"`
}

// apiError is the body of every non-200 answer.
type apiError struct {
	Type        string `json:"type"` // "error"
	ID          string `json:"id"`
	Code        string `json:"code"` // invalid_request, invalid_credentials, forbidden, not_found, too_many_requests, internal_server_error
	Description string `json:"description"`
	Parameter   string `json:"parameter"`
}

// notification is the body YooKassa POSTs to the webhook address.
type notification struct {
	Type   string          `json:"type"`  // "notification"
	Event  string          `json:"event"` // payment.succeeded, payment.canceled, …
	Object json.RawMessage `json:"object"`
}
