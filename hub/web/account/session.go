package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// SignInPath is the sign-in page; requireAccount sends the signed-out there.
const SignInPath = "/account/sign-in"

// SessionCookie holds the account session's token.
const SessionCookie = "nrd_a"

// rememberFor is how long a "remember this phone" cookie lives: until
// sign-out in practice (browsers cap a cookie's life at about 400 days).
const rememberFor = 400 * 24 * time.Hour

// visitor is the signed-in customer of a request.
type visitor struct {
	Account hub.Account
	Session hub.AccountSession
	Phones  []string // verified E.164 numbers
	Locale  string   // ru | pl | en
	CSRF    string   // the value every form posts as _csrf
}

const visitorKey = "account.visitor"

// SetSessionCookie signs the browser in with a session token from
// store.CreateAccountSession. remember keeps it across browser restarts.
// The customer page calls it too ("all my cars" from a work-order link).
func SetSessionCookie(c *fiber.Ctx, token string, remember, secure bool) {
	ck := &fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteLaxMode}
	if remember {
		ck.Expires = time.Now().Add(rememberFor)
	}
	c.Cookie(ck)
}

// clearSessionCookie forgets the session in the browser.
func clearSessionCookie(c *fiber.Ctx, secure bool) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0)})
}

// requireAccount lets only signed-in customers through: anyone else is sent
// to the sign-in page, which comes back here afterwards. A POST must carry
// the session's CSRF token.
func (h *Handler) requireAccount(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	v, err := h.signedIn(ctx, c)
	if errors.Is(err, store.ErrNotFound) {
		if c.Method() != fiber.MethodGet {
			return c.Status(fiber.StatusUnauthorized).SendString(h.t(h.browserLocale(c), "signed_out"))
		}
		return c.Redirect(SignInPath+"?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	if err != nil {
		return h.internal(c, "session", err)
	}
	if c.Method() == fiber.MethodPost {
		got := c.FormValue("_csrf")
		if got == "" {
			got = c.Get("X-CSRF-Token")
		}
		if !hmac.Equal([]byte(got), []byte(v.CSRF)) {
			return c.Status(fiber.StatusForbidden).SendString(h.t(v.Locale, "csrf"))
		}
	}
	c.Locals(visitorKey, v)
	return c.Next()
}

// signedIn resolves the session cookie; store.ErrNotFound when there is
// none or it is no longer valid.
func (h *Handler) signedIn(ctx context.Context, c *fiber.Ctx) (visitor, error) {
	token := c.Cookies(SessionCookie)
	if token == "" || len(token) > 128 {
		return visitor{}, store.ErrNotFound
	}
	acc, sess, err := h.store.AccountBySession(ctx, token, h.now())
	if err != nil {
		return visitor{}, err
	}
	phones, err := h.store.AccountPhones(ctx, acc.ID)
	if err != nil {
		return visitor{}, err
	}
	locale := acc.Locale
	if _, ok := h.texts[locale]; !ok {
		locale = h.browserLocale(c)
	}
	return visitor{Account: acc, Session: sess, Phones: phones, Locale: locale, CSRF: h.mac("csrf", sess.TokenHash)}, nil
}

// current is the signed-in customer of a request behind requireAccount.
func (h *Handler) current(c *fiber.Ctx) visitor {
	v, _ := c.Locals(visitorKey).(visitor)
	return v
}

// mac is an HMAC under the server secret of the parts, for tokens that
// need no table (CSRF).
func (h *Handler) mac(parts ...string) string {
	m := hmac.New(sha256.New, h.secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
