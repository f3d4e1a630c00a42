package customer

import (
	"context"
	"errors"
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

// The session cookie (nrd_c) binds a browser to one link, and forms carry
// a CSRF token derived from it (linkpage.Sessions).
const sessionCookie = "nrd_c"

// session returns the visitor's valid session for this link, or "".
func (h *Handler) session(c *fiber.Ctx, v visit) string { return h.sessions.Session(c, v.link.ID) }

// ensureSession sets the session cookie on the first visit.
func (h *Handler) ensureSession(c *fiber.Ctx, v visit) (string, error) {
	return h.sessions.Ensure(c, v.link.ID, v.base)
}

// csrfToken is the hidden form field for this session.
func (h *Handler) csrfToken(session string) string { return h.sessions.CSRF(session) }

// checkForm accepts a POST only from a browser holding this link's session
// and the matching CSRF token.
func (h *Handler) checkForm(c *fiber.Ctx, v visit) bool { return h.sessions.CheckForm(c, v.link.ID) }
