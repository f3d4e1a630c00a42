package customer

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

// visit is what a request under /c/<token> may see: one thread, reached by
// the link whose token is in the URL.
type visit struct {
	link    hub.MagicLink
	thread  hub.Thread
	expired bool
	base    string // "/c/<token>", the prefix of every URL of this page
}

var errNoAccess = errors.New("no such link")

// resolve checks the URL token against the stored hashes. Unknown and
// revoked tokens are the same to the visitor: 404, no hint.
func (h *Handler) resolve(ctx context.Context, token string) (visit, error) {
	if len(token) < 32 || len(token) > 128 {
		return visit{}, errNoAccess
	}
	link, err := h.store.MagicLinkByHash(ctx, hub.HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && link.RevokedAt != nil) {
		return visit{}, errNoAccess
	}
	if err != nil {
		return visit{}, err
	}
	t, err := h.store.Thread(ctx, link.ThreadID)
	if err != nil {
		return visit{}, err
	}
	v := visit{link: link, thread: t, base: "/c/" + token}
	v.expired = link.ExpiresAt != nil && time.Now().After(*link.ExpiresAt)
	return v, nil
}

// The session cookie binds a browser to one link; forms carry a CSRF token
// derived from it. Both are HMACs under the server secret, so they need no
// table and hold across instances that share the secret.
const sessionCookie = "nrd_c"

func (h *Handler) mac(parts ...string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session returns the visitor's valid session for this link, or "".
func (h *Handler) session(c *fiber.Ctx, v visit) string {
	raw := c.Cookies(sessionCookie)
	nonce, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(h.mac("session", strconv.FormatInt(v.link.ID, 10), nonce))) {
		return ""
	}
	return raw
}

// ensureSession sets the session cookie on the first visit.
func (h *Handler) ensureSession(c *fiber.Ctx, v visit) (string, error) {
	if s := h.session(c, v); s != "" {
		return s, nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	nonce := hex.EncodeToString(b)
	value := nonce + "." + h.mac("session", strconv.FormatInt(v.link.ID, 10), nonce)
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: value, Path: v.base, HTTPOnly: true,
		Secure: h.secureCookies || c.Protocol() == "https", SameSite: fiber.CookieSameSiteStrictMode,
		MaxAge: int((90 * 24 * time.Hour).Seconds()),
	})
	return value, nil
}

// csrfToken is the hidden form field for this session.
func (h *Handler) csrfToken(session string) string { return h.mac("csrf", session) }

// checkForm accepts a POST only from a browser holding this link's session
// and the matching CSRF token.
func (h *Handler) checkForm(c *fiber.Ctx, v visit) bool {
	s := h.session(c, v)
	if s == "" {
		return false
	}
	return hmac.Equal([]byte(c.FormValue("csrf")), []byte(h.csrfToken(s)))
}
