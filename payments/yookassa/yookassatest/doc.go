// Package yookassatest is a fake YooKassa API v3 for tests: the boundary
// the outside world controls, answered with YooKassa's documented bodies so
// that the real payments/yookassa client talks to it unchanged.
//
// Start one per test and point the provider at it:
//
//	yk := yookassatest.New(t)          // closed when the test ends
//	cfg := yk.Config()                 // shop id, secret key, BaseURL = yk.URL
//	cfg.VATCode = 4                    // to send 54-FZ receipts
//	p, _ := yookassa.New(cfg)
//
// or, through the payments service, set the branch's provider to yookassa
// with Account yookassatest.ShopID and SecretKey yookassatest.SecretKey and
// the base URL yk.URL.
//
// What it serves (under yk.URL, ".../v3"):
//
//	POST /payments              create: pending, confirmation_url on the fake
//	GET  /payments/{id}
//	POST /payments/{id}/cancel  only waiting_for_capture (else 400, as YooKassa)
//	POST /payments/{id}/capture only waiting_for_capture: all, or part (amount);
//	                            a receipt, when sent, of the amount taken
//	POST /refunds               succeeded at once; at most what is left
//	GET  /refunds/{id}
//
// Every API request must carry Basic auth with ShopID:SecretKey (else 401
// invalid_credentials) and every POST an Idempotence-Key of at most 64
// characters and a JSON body. The same key with the same request answers
// the first successful answer again (no second payment); the same key with
// another request is a 400. Amounts must be positive decimals with two
// places at most; a receipt, when sent (RequireReceipt: always), needs the
// customer's phone (digits, no plus) or e-mail, 1–100 items each with a
// description of 1–128 characters, a quantity, a price, vat_code 1–12 and
// known payment_mode/payment_subject values, and items adding up exactly
// to the payment's (or refund's) amount. A failed check is a 400
// invalid_request naming the parameter, as YooKassa does.
//
// A test drives the customer's side and faults with:
//
//	yk.Pay(id, "sbp")                  // paid: succeeded (capture true)
//	yk.Authorize(id, "bank_card")      // paid, waiting_for_capture
//	yk.CancelPayment(id)               // expired: canceled, expired_on_confirmation
//	body := yk.Notification("payment.succeeded", id) // what YooKassa would POST to the webhook
//	yk.FailNext(500)                   // the next API request fails (0: hangs until the client's timeout)
//
// and reads what happened with Requests() (every API request, its key, body
// and answer status), Payments(), Payment(id), PaymentOf(hub payment id)
// and Refunds(). The fake also
// serves each payment's confirmation_url as a small page whose Pay and
// Cancel buttons (ids "pay", "cancel") settle the payment and redirect to
// the return_url, for browser and redirect-following tests.
package yookassatest
