package loan

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// visit is what a request under /l/<token> may see: one loan, reached by
// the link whose token is in the URL.
type visit struct {
	loan  hub.Loan
	token string
	base  string // "/l/<token>", the prefix of every URL of this page
}

var errNoAccess = errors.New("no such loan link")

// resolve finds the loan of the URL's token by its hash (the token is
// never stored). Unknown and malformed tokens are the same to the
// visitor: 404, no hint.
func (h *Handler) resolve(ctx context.Context, token string) (visit, error) {
	if len(token) < 32 || len(token) > 128 {
		return visit{}, errNoAccess
	}
	l, err := h.store.LoanByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return visit{}, errNoAccess
	}
	if err != nil {
		return visit{}, err
	}
	return visit{loan: l, token: token, base: "/l/" + token}, nil
}

// The session cookie binds a browser to one loan's link; forms carry a
// CSRF token derived from it. Both are HMACs under the server secret, as
// on the customer page, under names of their own so neither page's MAC
// is valid on the other.
const sessionCookie = "nrd_l"

func (h *Handler) mac(parts ...string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session returns the visitor's valid session for this loan, or "".
func (h *Handler) session(c *fiber.Ctx, v visit) string {
	raw := c.Cookies(sessionCookie)
	nonce, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(h.mac("loan-session", strconv.FormatInt(v.loan.ID, 10), nonce))) {
		return ""
	}
	return raw
}

// ensureSession sets the session cookie on the first visit (and on the
// way back from a provider's page, where the SameSite=Strict cookie is
// not sent).
func (h *Handler) ensureSession(c *fiber.Ctx, v visit) (string, error) {
	if s := h.session(c, v); s != "" {
		return s, nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	nonce := hex.EncodeToString(b)
	value := nonce + "." + h.mac("loan-session", strconv.FormatInt(v.loan.ID, 10), nonce)
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: value, Path: v.base, HTTPOnly: true,
		Secure: h.secureCookies || c.Protocol() == "https", SameSite: fiber.CookieSameSiteStrictMode,
		MaxAge: int((90 * 24 * time.Hour).Seconds()),
	})
	return value, nil
}

// csrfToken is the hidden form field for this session.
func (h *Handler) csrfToken(session string) string { return h.mac("loan-csrf", session) }

// checkForm accepts a POST only from a browser holding this loan's
// session and the matching CSRF token.
func (h *Handler) checkForm(c *fiber.Ctx, v visit) bool {
	s := h.session(c, v)
	if s == "" {
		return false
	}
	return hmac.Equal([]byte(c.FormValue("csrf")), []byte(h.csrfToken(s)))
}

// formExpired answers a POST without a valid session and CSRF token.
func (h *Handler) formExpired(c *fiber.Ctx, v visit) error {
	return c.Status(fiber.StatusForbidden).SendString(texts[loanLocale(v.loan.Locale)]["form_expired"])
}
