package customer

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/account"
)

// toAccount is POST /c/<token>/account ("all my cars"): the work-order
// link was sent to the thread's phone, so opening it proves the visitor
// holds that number; they land in their account already signed in.
func (h *Handler) toAccount(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		phone := v.thread.Phone
		if n, err := hub.NormalizePhone(phone, ""); err != nil || n != phone {
			// A thread without a usable number (never so for a sent link).
			return c.Redirect(account.SignInPath, fiber.StatusSeeOther)
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		defer cancel()
		now := time.Now()
		acc, err := h.store.AccountForVerifiedPhone(ctx, phone, now)
		if err != nil {
			return h.internal(c, "account of the link's phone", err)
		}
		same, err := h.signedInTo(ctx, c, acc.ID, now)
		if err != nil {
			return h.internal(c, "account session", err)
		}
		if !same {
			token, err := h.store.CreateAccountSession(ctx, acc.ID, false, c.Get(fiber.HeaderUserAgent), now)
			if err != nil {
				return h.internal(c, "account session", err)
			}
			account.SetSessionCookie(c, token, false, h.secureCookies || c.Protocol() == "https")
		}
		return c.Redirect("/account", fiber.StatusSeeOther)
	})
}

// signedInTo tells whether the browser already holds a live session of
// the account: then it is kept, so a "remember this phone" session is
// not swapped for one that ends with the browser.
func (h *Handler) signedInTo(ctx context.Context, c *fiber.Ctx, accountID int64, now time.Time) (bool, error) {
	token := c.Cookies(account.SessionCookie)
	if token == "" || len(token) > 128 {
		return false, nil
	}
	acc, _, err := h.store.AccountBySession(ctx, token, now)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return acc.ID == accountID, nil
}
