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
//
// E-mail forms (RenderEmail) live in email/: <locale>.txt holds a
// {{define "<key>.subject"}} for every key, optional "<key>.text" plain-text
// bodies (the expiry list) and the text footer; <locale>.html holds optional
// "<key>.html" bodies (the expiry table) and the labels; layout.html is the
// one html/template layout (inline CSS, 600 px, no images) with the branch's
// footer. A key without its own bodies sends its text (a branch override
// included) in both parts.
package templates
