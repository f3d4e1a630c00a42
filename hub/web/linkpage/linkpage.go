// Package linkpage is what the pages a customer opens from a link (the
// customer page /c/<token>, the courtesy car's page /l/<token>) share:
// the browser's session bound to one link, the CSRF token of its forms,
// and the security headers. Both are keyed by a link the customer was
// sent, not by a sign-in, so they defend the same way.
package linkpage

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Sessions binds a browser to one link with a cookie; forms carry a CSRF
// token derived from it. Both are HMACs under the server secret, so they
// need no table and hold across instances that share the secret. Each
// page has its own Cookie and Label, so neither page's MAC is valid on
// the other.
type Sessions struct {
	Secret []byte
	Cookie string // the cookie's name ("nrd_c", "nrd_l")
	Label  string // prefixed to what is MACed ("" for the customer page, "loan-")
	Secure bool   // Secure cookies even when the request came over plain HTTP (behind TLS termination)
}

// sessionMaxAge is how long a browser keeps a link's session.
const sessionMaxAge = 90 * 24 * time.Hour

func (s Sessions) mac(parts ...string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Session returns the visitor's valid session for the link id, or "".
func (s Sessions) Session(c *fiber.Ctx, id int64) string {
	raw := c.Cookies(s.Cookie)
	nonce, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(s.Label+"session", strconv.FormatInt(id, 10), nonce))) {
		return ""
	}
	return raw
}

// Ensure returns the visitor's session for the link id, setting the
// cookie (scoped to path) on the first visit.
func (s Sessions) Ensure(c *fiber.Ctx, id int64, path string) (string, error) {
	if session := s.Session(c, id); session != "" {
		return session, nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("link session: random: %w", err)
	}
	nonce := hex.EncodeToString(b)
	value := nonce + "." + s.mac(s.Label+"session", strconv.FormatInt(id, 10), nonce)
	c.Cookie(&fiber.Cookie{
		Name: s.Cookie, Value: value, Path: path, HTTPOnly: true,
		Secure: s.Secure || c.Protocol() == "https", SameSite: fiber.CookieSameSiteStrictMode,
		MaxAge: int(sessionMaxAge.Seconds()),
	})
	return value, nil
}

// CSRF is the hidden form field for a session.
func (s Sessions) CSRF(session string) string { return s.mac(s.Label+"csrf", session) }

// CheckForm accepts a POST only from a browser holding the link's session
// and the matching CSRF token.
func (s Sessions) CheckForm(c *fiber.Ctx, id int64) bool {
	session := s.Session(c, id)
	if session == "" {
		return false
	}
	return hmac.Equal([]byte(c.FormValue("csrf")), []byte(s.CSRF(session)))
}

// StrictCSP is the policy of a link page without provider buttons: only
// the page's own scripts and styles run, forms post only to the page, and
// it is never framed.
const StrictCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ContentSecurityPolicy is StrictCSP, but with provider buttons (pay,
// verify, hold a deposit) the form-action also allows the providers'
// pages: the browser checks the redirect a form's answer makes against it,
// and such a button answers with a 303 to the provider. No origins allow
// any https page.
func ContentSecurityPolicy(providers bool, origins []string) (string, error) {
	if !providers {
		return StrictCSP, nil
	}
	if len(origins) == 0 {
		origins = []string{"https:"}
	}
	for _, o := range origins {
		if o == "" || strings.ContainsAny(o, " ;,'\"*\t\r\n") {
			return "", fmt.Errorf("provider origin %q is not a CSP source", o)
		}
	}
	return strings.Replace(StrictCSP, "form-action 'self'", "form-action 'self' "+strings.Join(origins, " "), 1), nil
}

// SetSecurityHeaders: no referrer leaves the page (the URL is the key),
// the policy csp, no sniffing, never cached.
func SetSecurityHeaders(c *fiber.Ctx, csp string) {
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Cache-Control", "no-store")
}
