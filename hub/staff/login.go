package staff

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// loginView is what login.html shows.
type loginView struct {
	Locale string
	T      map[string]string
	CSRF   string
	Login  string
	Error  string
}

// loginPage is GET /login: the form, or straight to the inbox when the
// browser is already signed in.
func (h *Handler) loginPage(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if _, err := h.load(ctx, c); err == nil {
		return c.Redirect("/inbox", fiber.StatusSeeOther)
	}
	pre := c.Cookies(preSessionCookie)
	if len(pre) != 32 {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return h.internal(c, "pre-session", err)
		}
		pre = hex.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: preSessionCookie, Value: pre, Path: "/login", HTTPOnly: true, Secure: h.secure(c),
			SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int((24 * time.Hour).Seconds())})
	}
	return h.renderLogin(c, fiber.StatusOK, pre, "", "")
}

func (h *Handler) renderLogin(c *fiber.Ctx, status int, pre, login, errKey string) error {
	locale := pickLocale(c.Get(fiber.HeaderAcceptLanguage))
	v := loginView{Locale: locale, T: texts[locale], CSRF: h.mac("login-csrf", pre), Login: login}
	if errKey != "" {
		v.Error = v.T[errKey]
	}
	return h.render(c, status, "login.html", v)
}

// login is POST /login (fields login, password, csrf). Unknown login,
// wrong password, a locked or a disabled account all get the same answer.
func (h *Handler) login(c *fiber.Ctx) error {
	pre := c.Cookies(preSessionCookie)
	if len(pre) != 32 || !hmac.Equal([]byte(c.FormValue("csrf")), []byte(h.mac("login-csrf", pre))) {
		return c.Status(fiber.StatusForbidden).SendString("Forbidden: the form is out of date; reload the page and try again.")
	}
	login, password := store.NormalizeLogin(c.FormValue("login")), c.FormValue("password")
	if login == "" || password == "" {
		return h.renderLogin(c, fiber.StatusUnauthorized, pre, login, "failed")
	}
	now := h.now()
	waitCtx, cancelWait := context.WithTimeout(c.UserContext(), h.passwordWait)
	defer cancelWait()
	if !h.passwordSlots.take(waitCtx) {
		c.Set(fiber.HeaderRetryAfter, "5")
		return h.renderLogin(c, fiber.StatusServiceUnavailable, pre, login, "busy")
	}
	u, why, err := h.checkPassword(c.UserContext(), login, password, now)
	h.passwordSlots.give()
	if err != nil {
		return h.internal(c, "check password", err)
	}
	// A fresh timeout for what follows: the check above is seconds of CPU
	// when many sign in at once, not a call that may hang.
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if why == "" {
		return h.signIn(ctx, c, *u, now)
	}
	if why == "wrong password" {
		if err := h.lockAfterFailure(ctx, c, *u, now); err != nil {
			return h.internal(c, "lock after failed logins", err)
		}
	}
	e := store.AuditEntry{Action: store.AuditLoginFailed, Subject: truncate(login, 100), Detail: why, IP: c.IP()}
	if u != nil {
		e.UserID = &u.ID
	}
	if err := h.store.Audit(ctx, e); err != nil {
		return h.internal(c, "audit", err)
	}
	h.log.Info("staff login failed", "login", e.Subject, "reason", why, "ip", e.IP)
	return h.renderLogin(c, fiber.StatusUnauthorized, pre, login, "failed")
}

// checkPassword finds the user and checks the password, always taking as
// long as one argon2id check. why is empty when the user may sign in, or
// says why not ("unknown login", "account disabled", "locked", "wrong
// password"); u is nil for an unknown login.
func (h *Handler) checkPassword(ctx context.Context, login, password string, now time.Time) (u *store.User, why string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	found, err := h.store.UserByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		_, _ = VerifyPassword(dummyHash(), password) // as slow as a real check
		return nil, "unknown login", nil
	}
	if err != nil {
		return nil, "", err
	}
	if found.DisabledAt != nil {
		_, _ = VerifyPassword(dummyHash(), password)
		return &found, "account disabled", nil
	}
	// The attempt is counted before its password is checked, so parallel
	// attempts get at most maxFailures checks between them.
	allowed, err := h.store.ClaimLoginAttempt(ctx, found.ID, now, failureWindow, maxFailures)
	if err != nil {
		return nil, "", err
	}
	if !allowed {
		_, _ = VerifyPassword(dummyHash(), password)
		return &found, "locked", nil
	}
	ok, err := VerifyPassword(found.PasswordHash, password)
	if err != nil {
		h.log.Error("staff login: stored password hash is malformed", "user_id", found.ID, "error", err)
	}
	if !ok {
		return &found, "wrong password", nil
	}
	return &found, "", nil
}

// lockAfterFailure leaves the failed attempt counted and locks the login
// when it is the fifth in the window.
func (h *Handler) lockAfterFailure(ctx context.Context, c *fiber.Ctx, u store.User, now time.Time) error {
	locked, err := h.store.LockAfterFailures(ctx, u.ID, now, maxFailures, lockFor)
	if err != nil || !locked {
		return err
	}
	e := store.AuditEntry{UserID: &u.ID, Action: store.AuditLoginLocked, Subject: u.Login,
		Detail: "locked for " + lockFor.String() + " after repeated failures", IP: c.IP()}
	if err := h.store.Audit(ctx, e); err != nil {
		return err
	}
	h.log.Warn("staff login locked", "login", u.Login, "ip", c.IP())
	return nil
}

// signIn starts a fresh session (ending the one the browser had, if any),
// audits the login and sends the user to the inbox.
func (h *Handler) signIn(ctx context.Context, c *fiber.Ctx, u store.User, now time.Time) error {
	// The attempt itself was counted (ClaimLoginAttempt); a good password
	// clears the count.
	if err := h.store.ResetFailedLogins(ctx, u.ID); err != nil {
		return h.internal(c, "reset failed logins", err)
	}
	if old := c.Cookies(sessionCookie); old != "" {
		if err := h.store.DeleteSession(ctx, hub.HashToken(old)); err != nil {
			return h.internal(c, "end old session", err)
		}
	}
	if err := h.startSession(ctx, c, u); err != nil {
		return h.internal(c, "start session", err)
	}
	c.Cookie(&fiber.Cookie{Name: preSessionCookie, Value: "", Path: "/login", HTTPOnly: true, Secure: h.secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
	if err := h.store.Audit(ctx, store.AuditEntry{UserID: &u.ID, Action: store.AuditLogin, Subject: u.Login, IP: c.IP()}); err != nil {
		return h.internal(c, "audit", err)
	}
	if n, err := h.store.DeleteExpiredSessions(ctx, now, now.Add(-SessionIdle)); err != nil {
		h.log.Warn("delete expired staff sessions", "error", err)
	} else if n > 0 {
		h.log.Info("expired staff sessions deleted", "count", n)
	}
	h.log.Info("staff login", "login", u.Login, "user_id", u.ID, "ip", c.IP())
	return c.Redirect("/inbox", fiber.StatusSeeOther)
}

// logout is POST /logout, behind RequireStaff (which checks the CSRF token).
func (h *Handler) logout(c *fiber.Ctx) error {
	s, _ := Current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if err := h.store.DeleteSession(ctx, hub.HashToken(s.token)); err != nil {
		return h.internal(c, "delete session", err)
	}
	h.clearSession(c)
	h.clearBranch(c)
	if err := h.store.Audit(ctx, store.AuditEntry{UserID: &s.User.ID, Action: store.AuditLogout, Subject: s.User.Login, IP: c.IP()}); err != nil {
		return h.internal(c, "audit", err)
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}
