package sms

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"net/url"
	"slices"
)

// VerifySignature checks X-Twilio-Signature on a webhook: base64 of
// HMAC-SHA1 keyed with the auth token over the full URL Twilio requested
// followed by every POST parameter's name and value, sorted by name.
//
// fullURL must be the URL exactly as configured at Twilio (scheme, host,
// path and query), not one rebuilt behind a proxy; form must hold the POST
// body parameters only (r.PostForm, not r.Form, which would mix in the query).
func (t *Twilio) VerifySignature(fullURL string, form url.Values, signature string) bool {
	if t.authToken == "" || signature == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return false
	}
	// Twilio is inconsistent about signing with or without the port, so
	// both spellings are accepted (as Twilio's SDKs do).
	for _, u := range urlVariants(fullURL) {
		if hmac.Equal(got, twilioSignature(t.authToken, u, form)) {
			return true
		}
	}
	return false
}

// twilioSignature computes the raw HMAC; values of a repeated parameter are
// sorted too, matching Twilio's reference libraries.
func twilioSignature(authToken, fullURL string, form url.Values) []byte {
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	slices.Sort(names) // byte order: Twilio sorts case-sensitively
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	for _, name := range names {
		values := slices.Sorted(slices.Values(form[name]))
		for _, v := range values {
			mac.Write([]byte(name))
			mac.Write([]byte(v))
		}
	}
	return mac.Sum(nil)
}

// urlVariants returns fullURL and the same URL with its port toggled, as
// Twilio's own libraries try both: without a port, with the scheme's
// default one added; with a port (default or not), without it.
func urlVariants(fullURL string) []string {
	u, err := url.Parse(fullURL)
	if err != nil || u.Host == "" {
		return []string{fullURL}
	}
	alt := *u
	if u.Port() != "" {
		alt.Host = u.Hostname()
		if ip := net.ParseIP(alt.Host); ip != nil && ip.To4() == nil {
			alt.Host = "[" + alt.Host + "]"
		}
		return []string{fullURL, alt.String()}
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def == "" {
		return []string{fullURL}
	}
	alt.Host = net.JoinHostPort(u.Hostname(), def)
	return []string{fullURL, alt.String()}
}
