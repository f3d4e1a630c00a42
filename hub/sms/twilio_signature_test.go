package sms

import (
	"encoding/base64"
	"net/url"
	"testing"
)

func TestVerifySignature(t *testing.T) {
	// Vector from Twilio's "Validating requests" documentation.
	const docURL = "https://mycompany.com/myapp.php?foo=1&bar=2"
	const docSig = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	docForm := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	tw := NewTwilio(TwilioConfig{AccountSID: "AC123", AuthToken: "12345"})
	with := func(k, v string) url.Values {
		f := url.Values{}
		for name, vs := range docForm {
			f[name] = append([]string(nil), vs...)
		}
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name  string
		tw    *Twilio
		url   string
		form  url.Values
		sig   string
		valid bool
	}{
		{"documented vector", tw, docURL, docForm, docSig, true},
		{"default port spelled out", tw, "https://mycompany.com:443/myapp.php?foo=1&bar=2", docForm, docSig, true},
		// Twilio's libraries try the URL with and without its port, as
		// Twilio may sign either.
		{"other port, signed without it", tw, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", docForm, docSig, true},
		{"other port, signed with it", tw, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", docForm,
			base64.StdEncoding.EncodeToString(twilioSignature("12345", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", docForm)), true},
		{"signed for another port", tw, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", docForm,
			base64.StdEncoding.EncodeToString(twilioSignature("12345", "https://mycompany.com:9443/myapp.php?foo=1&bar=2", docForm)), false},
		{"other host", tw, "https://mycompany.org/myapp.php?foo=1&bar=2", docForm, docSig, false},
		{"http, signed with port 80", tw, "http://mycompany.com/myapp.php", docForm,
			base64.StdEncoding.EncodeToString(twilioSignature("12345", "http://mycompany.com:80/myapp.php", docForm)), true},
		{"tampered param", tw, docURL, with("Digits", "9999"), docSig, false},
		{"extra param", tw, docURL, with("Extra", "1"), docSig, false},
		{"different url", tw, "https://mycompany.com/myapp.php?foo=1&bar=3", docForm, docSig, false},
		{"wrong token", NewTwilio(TwilioConfig{AuthToken: "54321"}), docURL, docForm, docSig, false},
		{"empty token", NewTwilio(TwilioConfig{}), docURL, docForm, docSig, false},
		{"empty signature", tw, docURL, docForm, "", false},
		{"not base64", tw, docURL, docForm, "!!!", false},
		{"truncated", tw, docURL, docForm, docSig[:len(docSig)-4], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.tw.VerifySignature(tc.url, tc.form, tc.sig); got != tc.valid {
				t.Fatalf("VerifySignature = %v, want %v", got, tc.valid)
			}
		})
	}
}
