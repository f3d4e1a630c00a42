package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// A sign-in code: 6 digits, good for 10 minutes and 5 tries.
const (
	codeDigits = 6
	codeTTL    = 10 * time.Minute
)

// signInLimits bound the codes sent: to one phone (3 in 15 minutes, 10 a
// day) and from one IP (10 an hour). The rows of sent codes are the
// counters, so the limits hold across instances.
var signInLimits = store.SignInLimits{PhoneWindow: 15 * time.Minute, PerPhoneWindow: 3, PerPhoneDay: 10, PerIPHour: 10}

// registerSignIn adds sign-in by code and sign-out.
func (h *Handler) registerSignIn(public fiber.Router) {
	public.Get("/sign-in", h.signInForm)
	public.Post("/sign-in", h.sendCode)
	public.Get("/sign-in/code", h.codeForm)
	public.Post("/sign-in/code", h.enterCode)
	public.Post("/sign-out", h.requireAccount, h.signOut)
}

// signInView is the data of both sign-in steps.
type signInView struct {
	Next   string
	Phone  string // as typed (step 1) or E.164 (step 2)
	Error  string
	Resend bool   // the code is dead: offer to request a new one
	CSRF   string // the login-CSRF token of the browser's pre-session (signin_csrf.go)
	Via    string // the channel the code went by (code step): sms | whatsapp
	// WhatsApp offers codes by WhatsApp (a connected account); WhatsAppFailed
	// says it just failed, and then only SMS is offered.
	WhatsApp, WhatsAppFailed bool
}

// signInPage renders a sign-in step with the form token of the browser's
// pre-session, which every sign-in form carries.
func (h *Handler) signInPage(c *fiber.Ctx, status int, view, locale, titleKey string, v signInView) error {
	token, err := h.signInToken(c)
	if err != nil {
		return h.internal(c, "sign-in form token", err)
	}
	v.CSRF = token
	if h.waCodes != nil && !v.WhatsAppFailed {
		ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
		v.WhatsApp = h.waCodes.Available(ctx)
		cancel()
	}
	return h.render(c, status, view, locale, titleKey, v)
}

// forgedSignIn answers a sign-in post without its pre-session's token
// (another site's, or a form from before the browser dropped its
// cookie): nothing is sent or checked, and the phone step is shown again
// with a fresh token, so a real visitor only has to press the button again.
func (h *Handler) forgedSignIn(c *fiber.Ctx, locale, next string) error {
	return h.signInPage(c, fiber.StatusForbidden, "signin.html", locale, "signin_title",
		signInView{Next: next, Error: h.t(locale, "signin_csrf")})
}

// signInForm is GET /account/sign-in: the phone number.
func (h *Handler) signInForm(c *fiber.Ctx) error {
	return h.signInPage(c, fiber.StatusOK, "signin.html", h.browserLocale(c), "signin_title",
		signInView{Next: safeNext(c.Query("next"))})
}

// sendCode is POST /account/sign-in: a new code to the phone, by SMS or
// (via=whatsapp, when offered) by WhatsApp, then the code step. Known and
// unknown numbers get the same answer and a code alike: the page never
// tells whether someone is a customer.
func (h *Handler) sendCode(c *fiber.Ctx) error {
	locale, next := h.browserLocale(c), safeNext(c.FormValue("next"))
	if !h.signInTokenValid(c) {
		return h.forgedSignIn(c, locale, next)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	via, sender := viaSMS, h.codes
	if c.FormValue("via") == viaWhatsApp && h.waCodes != nil {
		via, sender = viaWhatsApp, h.waCodes
	}
	again := func(status int, key string) error {
		return h.signInPage(c, status, "signin.html", locale, "signin_title",
			signInView{Next: next, Phone: c.FormValue("phone"), Error: h.t(locale, key), WhatsAppFailed: via == viaWhatsApp})
	}
	failed := map[string]string{viaSMS: "signin_send_failed", viaWhatsApp: "signin_wa_failed"}[via]
	e164, problem := h.signInPhone(ctx, c.FormValue("phone"))
	if problem != "" {
		return h.signInPage(c, fiber.StatusUnprocessableEntity, "signin.html", locale, "signin_title",
			signInView{Next: next, Phone: c.FormValue("phone"), Error: h.t(locale, problem)})
	}
	if sender == nil {
		return again(fiber.StatusServiceUnavailable, failed)
	}
	code, err := newCode()
	if err != nil {
		return h.internal(c, "new sign-in code", err)
	}
	at := h.now()
	row := store.SignInCode{E164: e164, CodeHash: h.codeHash(e164, code), IP: c.IP(), Channel: via, ExpiresAt: at.Add(codeTTL)}
	err = h.store.IssueSignInCode(ctx, &row, signInLimits, at)
	if errors.Is(err, store.ErrSignInLimit) {
		return h.signInPage(c, fiber.StatusTooManyRequests, "signin.html", locale, "signin_title",
			signInView{Next: next, Phone: c.FormValue("phone"), Error: h.t(locale, "signin_limit")})
	}
	if err != nil {
		return h.internal(c, "issue sign-in code", err)
	}
	// The send gets its own clock: the visitor waits, but not forever.
	sendCtx, cancelSend := context.WithTimeout(c.UserContext(), sendTimeout)
	defer cancelSend()
	if err := sender.SendCode(sendCtx, e164, fmt.Sprintf(h.t(locale, "signin_sms"), code)); err != nil {
		h.log.Warn("account sign-in: code not sent", "via", via, "error", err)
		return again(fiber.StatusServiceUnavailable, failed)
	}
	return c.Redirect(codePath(e164, next, via), fiber.StatusSeeOther)
}

// codePath is the code step's address for a phone and the channel the
// code went by.
func codePath(e164, next, via string) string {
	q := url.Values{"phone": {e164}, "next": {next}}
	if via == viaWhatsApp {
		q.Set("via", viaWhatsApp)
	}
	return SignInPath + "/code?" + q.Encode()
}

// codeForm is GET /account/sign-in/code: the code sent to the phone.
func (h *Handler) codeForm(c *fiber.Ctx) error {
	e164 := c.Query("phone")
	if !isE164(e164) {
		return c.Redirect(SignInPath, fiber.StatusSeeOther)
	}
	via := viaSMS
	if c.Query("via") == viaWhatsApp {
		via = viaWhatsApp
	}
	return h.signInPage(c, fiber.StatusOK, "signin_code.html", h.browserLocale(c), "signin_code_title",
		signInView{Next: safeNext(c.Query("next")), Phone: e164, Via: via})
}

// enterCode is POST /account/sign-in/code: the right code signs the
// browser in ("remember this phone" keeps it signed in across restarts)
// and goes on to next; anything else says why, with nothing stored but
// the try.
func (h *Handler) enterCode(c *fiber.Ctx) error {
	locale, next, e164 := h.browserLocale(c), safeNext(c.FormValue("next")), c.FormValue("phone")
	if !h.signInTokenValid(c) {
		return h.forgedSignIn(c, locale, next)
	}
	if !isE164(e164) {
		return c.Redirect(SignInPath, fiber.StatusSeeOther)
	}
	again := func(key string, args ...any) error {
		v := signInView{Next: next, Phone: e164, Error: fmt.Sprintf(h.t(locale, key), args...)}
		v.Resend = key != "signin_code_format" && key != "signin_code_wrong"
		return h.signInPage(c, fiber.StatusUnprocessableEntity, "signin_code.html", locale, "signin_code_title", v)
	}
	code := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, c.FormValue("code"))
	if !isCode(code) {
		return again("signin_code_format")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	at := h.now()
	res, err := h.store.CheckSignInCode(ctx, e164, h.codeHash(e164, code), at)
	if err != nil {
		return h.internal(c, "check sign-in code", err)
	}
	switch res.Check {
	case store.CodeWrong:
		return again("signin_code_wrong", res.Left)
	case store.CodeLocked:
		return again("signin_code_locked")
	case store.CodeExpired:
		return again("signin_code_expired")
	case store.CodeNone:
		return again("signin_code_none")
	}
	acc, err := h.store.AccountForVerifiedPhone(ctx, e164, at)
	if err != nil {
		return h.internal(c, "account of verified phone", err)
	}
	remember := c.FormValue("remember") != ""
	token, err := h.store.CreateAccountSession(ctx, acc.ID, remember, c.Get(fiber.HeaderUserAgent), at)
	if err != nil {
		return h.internal(c, "account session", err)
	}
	SetSessionCookie(c, token, remember, h.secureCookies)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// signOut is POST /account/sign-out (behind requireAccount, so with the
// session's CSRF token): the session ends on the server, not only in the
// browser.
func (h *Handler) signOut(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	if err := h.store.RevokeAccountSession(ctx, c.Cookies(SessionCookie), h.now()); err != nil {
		return h.internal(c, "sign out", err)
	}
	clearSessionCookie(c, h.secureCookies)
	return c.Redirect(SignInPath, fiber.StatusSeeOther)
}

// codeHash is how a code is stored: an HMAC under the server secret, bound
// to its phone, so the table alone does not give the codes away.
func (h *Handler) codeHash(e164, code string) string { return h.mac("signin-code", e164, code) }

// newCode is 6 random digits, each code equally likely.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func isCode(s string) bool {
	if len(s) != codeDigits {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isE164 accepts only a number as NormalizePhone writes it.
func isE164(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	n, err := hub.NormalizePhone(s, "")
	return err == nil && n == s
}
