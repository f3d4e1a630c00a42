package account

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// Login CSRF: before anyone is signed in there is no session to bind a
// form token to, so another site could post a phone number, or its own
// phone's code, from the visitor's browser and sign them in as someone
// else. The sign-in forms therefore carry a token bound to a pre-session
// cookie (double submit): the cookie is random and HttpOnly, the token is
// its HMAC under the server secret, and a post must bring both. Another
// site can make the browser send the cookie but can read neither it nor
// the token.

// preSessionBytes is the pre-session cookie's randomness.
const preSessionBytes = 32

// preSessionCookie is the cookie's name. Over https it carries the
// __Host- prefix, so no sibling subdomain can plant a cookie of its own.
func (h *Handler) preSessionCookie() string {
	if h.secureCookies {
		return "__Host-nrd_pre"
	}
	return "nrd_pre"
}

// signInToken is the token the sign-in forms of this response carry. It
// keeps the browser's pre-session cookie when it has a well-formed one,
// else sets a new one (for the browser's session only).
func (h *Handler) signInToken(c *fiber.Ctx) (string, error) {
	pre := c.Cookies(h.preSessionCookie())
	if !wellFormedPreSession(pre) {
		b := make([]byte, preSessionBytes)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("pre-session cookie: %w", err)
		}
		pre = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: h.preSessionCookie(), Value: pre, Path: "/", HTTPOnly: true,
			Secure: h.secureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	}
	return h.mac("signin-csrf", pre), nil
}

// signInTokenValid tells whether a sign-in post brings the token of the
// browser's own pre-session cookie.
func (h *Handler) signInTokenValid(c *fiber.Ctx) bool {
	pre := c.Cookies(h.preSessionCookie())
	if !wellFormedPreSession(pre) {
		return false
	}
	return hmac.Equal([]byte(c.FormValue("_csrf")), []byte(h.mac("signin-csrf", pre)))
}

// wellFormedPreSession accepts only a value this server could have set.
func wellFormedPreSession(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == preSessionBytes
}
