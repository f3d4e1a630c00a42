package loan

import (
	"context"
	"errors"

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

// The session cookie (nrd_l) binds a browser to one loan's link, and forms
// carry a CSRF token derived from it (linkpage.Sessions, labelled "loan-"
// so neither this page's MAC nor the customer page's is valid on the
// other).
const sessionCookie = "nrd_l"

// session returns the visitor's valid session for this loan, or "".
func (h *Handler) session(c *fiber.Ctx, v visit) string { return h.sessions.Session(c, v.loan.ID) }

// ensureSession sets the session cookie on the first visit (and on the
// way back from a provider's page, where the SameSite=Strict cookie is
// not sent).
func (h *Handler) ensureSession(c *fiber.Ctx, v visit) (string, error) {
	return h.sessions.Ensure(c, v.loan.ID, v.base)
}

// csrfToken is the hidden form field for this session.
func (h *Handler) csrfToken(session string) string { return h.sessions.CSRF(session) }

// checkForm accepts a POST only from a browser holding this loan's
// session and the matching CSRF token.
func (h *Handler) checkForm(c *fiber.Ctx, v visit) bool { return h.sessions.CheckForm(c, v.loan.ID) }

// formExpired answers a POST without a valid session and CSRF token.
func (h *Handler) formExpired(c *fiber.Ctx, v visit) error {
	return c.Status(fiber.StatusForbidden).SendString(texts[loanLocale(v.loan.Locale)]["form_expired"])
}
