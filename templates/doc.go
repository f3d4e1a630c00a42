// Package templates turns work-order events into the short texts sent to a
// customer by SMS or WhatsApp, in the customer's language (ru, pl, en).
//
// Default texts live in defaults/<locale>.txt, one {{define "key"}} block per
// message, embedded in the binary and parsed once by New. A branch may store
// its own text for a key and locale; Validate checks such an override before
// it is saved and Render falls back to the default if a stored override no
// longer works.
//
// Templates see a Data value and four helpers bound to the message locale:
//
//	money .TotalMinor .Currency   integer minor units → "1 500,50 ₽" / "€1,500.50"
//	sum .Lines                    total of the lines awaiting approval
//	date .PromisedAt              "23.11.2026" / "23 Nov 2026"; "" for a zero time
//	datetime .PromisedAt          "23.11.2026 14:30" / "23 Nov 2026, 14:30"; "" for a zero time
//
// SMSSegments tells how many SMS parts a rendered text costs.
package templates
