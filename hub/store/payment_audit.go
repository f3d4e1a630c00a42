package store

// Audit actions of online payments (the inbox's Payments card writes these).
const (
	AuditPaymentRequest = "payment_request" // an advisor asked the customer for an amount
	AuditPaymentRefund  = "payment_refund"  // an admin refunded (part of) a payment
)
