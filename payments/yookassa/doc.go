// Package yookassa is the payments.Provider for YooKassa (API v3,
// https://yookassa.ru/developers/api), the provider of RUB branches: the
// customer pays by card, SBP or SberPay on YooKassa's hosted page
// (confirmation type "redirect") and comes back to the hub's return page.
//
// What the hub relies on, and why:
//
//   - Authentication is HTTP Basic with the shop id (ProviderConfig.Account)
//     and the secret key (live_… or test_…).
//   - Every POST carries an Idempotence-Key: the create request's key, the
//     refund request's key, and for a cancel one derived from the payment id.
//     YooKassa answers a repeated key with the same body by the first answer,
//     so a retry after a timeout never makes a second payment or refund.
//   - Payments are created with capture: true (one stage): a paid payment
//     goes straight to "succeeded". "waiting_for_capture" is read as pending.
//   - YooKassa's notifications are NOT signed. Webhook only names the event
//     and the payment (Notice.Trusted is false); the caller fetches the
//     payment back from the API (Fetch) and trusts only that. YooKassa also
//     recommends accepting notifications only from its addresses
//     (FromYooKassa checks one); the fetch-back makes a forged notification
//     harmless, so the hub does not call it (behind a reverse proxy the peer
//     address is the proxy's).
//   - Cancel: YooKassa cancels only a payment waiting for capture. A pending
//     payment (the customer has not paid yet) cannot be cancelled through
//     the API: it expires on its own when its confirmation lapses
//     (cancellation_details.reason "expired_on_confirmation"). Cancel then
//     returns the fetched state, pending, and the caller must be ready for
//     that payment to still succeed later (an over- or under-payment).
//   - The 54-FZ fiscal receipt is sent with the payment and with a refund
//     when the branch sets a VAT code (ProviderConfig.VATCode 1–12): one item
//     per work-order line (labour "service", parts "commodity"), quantity 1
//     at the line's total, payment_mode "full_payment", the customer's phone
//     (digits only) and/or e-mail. The items always add up to the amount:
//     lines are scaled to it when they do not (see fitLines). A shop using
//     YooKassa's own receipts ("Чеки от ЮKassa") needs the customer's
//     e-mail: with a phone only, YooKassa refuses the payment (400).
//   - Methods: no payment_method_data is sent, so the customer chooses on
//     YooKassa's page among the methods the shop has enabled there;
//     ProviderConfig.Methods and CreateRequest.Methods are not used.
//   - Amounts are strings with two decimals ("12500.00") on the wire and
//     int64 minor units (kopecks) in the hub.
//
// The yookassatest subpackage is a fake of the API for tests.
package yookassa
