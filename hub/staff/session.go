package staff

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// Cookies: the session of a signed-in user, and the pre-session that ties
// the login form's CSRF token to one browser before anyone signs in.
const (
	sessionCookie    = "nrd_staff"
	preSessionCookie = "nrd_login"
	branchCookie     = "nrd_branch" // the branch switcher's choice (branch.go)
	localsKey        = "naryad.staff"
)

// Staff is the signed-in user of a request, as RequireStaff loads it.
type Staff struct {
	User store.User
	// BranchIDs are the branches every page shows, ascending: the ones
	// the user works at, or the one of them chosen in the branch switcher.
	BranchIDs []int64
	Branches  []hub.Branch // every branch the user works at, by id
	Chosen    int64        // the switcher's branch; 0 for all of them
	CSRF      string       // the token every form of this session posts as "csrf"
	SessionID int64
	token     string
}

// InBranch tells whether the user works at the branch.
func (s Staff) InBranch(branchID int64) bool {
	_, ok := slices.BinarySearch(s.BranchIDs, branchID)
	return ok
}

// Current is the signed-in user of a request behind RequireStaff.
func Current(c *fiber.Ctx) (Staff, bool) {
	s, ok := c.Locals(localsKey).(Staff)
	return s, ok
}

// RequireStaff lets a request through only with a live session of an
// enabled user holding one of roles (any role when none are named). It
// loads the user into the request (see Current), sends browsers without a
// session to /login, answers 403 for a role that may not, and checks the
// CSRF token of every request that is not GET or HEAD.
func (h *Handler) RequireStaff(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
		defer cancel()
		s, err := h.load(ctx, c)
		if errors.Is(err, errNoSession) {
			h.clearSession(c)
			return c.Redirect("/login", fiber.StatusSeeOther)
		}
		if err != nil {
			return h.internal(c, "load session", err)
		}
		if len(roles) > 0 && !slices.Contains(roles, s.User.Role) {
			return c.Status(fiber.StatusForbidden).SendString("Forbidden")
		}
		if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead && !h.checkCSRF(c, s) {
			return c.Status(fiber.StatusForbidden).SendString("Forbidden: the form is out of date; reload the page and try again.")
		}
		c.Locals(localsKey, s)
		return c.Next()
	}
}

// SignedIn tells, before the body is read, whether the request carries a
// live session of an enabled user: only such a request may upload a file.
// RequireStaff still decides the request (role, CSRF token).
func (h *Handler) SignedIn(c *fiber.Ctx) bool {
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	_, err := h.load(ctx, c)
	return err == nil
}

var errNoSession = errors.New("no session")

// load resolves the session cookie to a live session of an enabled user;
// an expired session is deleted on the way.
func (h *Handler) load(ctx context.Context, c *fiber.Ctx) (Staff, error) {
	token := c.Cookies(sessionCookie)
	if len(token) < 32 || len(token) > 128 {
		return Staff{}, errNoSession
	}
	sess, err := h.store.SessionByHash(ctx, hub.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Staff{}, errNoSession
	}
	if err != nil {
		return Staff{}, err
	}
	now := h.now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(SessionIdle)) {
		if err := h.store.DeleteSession(ctx, sess.TokenHash); err != nil {
			return Staff{}, err
		}
		return Staff{}, errNoSession
	}
	u, err := h.store.User(ctx, sess.UserID)
	if err != nil {
		return Staff{}, err
	}
	if u.DisabledAt != nil {
		return Staff{}, errNoSession
	}
	branches, err := h.store.UserBranchList(ctx, u.ID)
	if err != nil {
		return Staff{}, err
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := h.store.TouchSession(ctx, sess.ID, now); err != nil {
			return Staff{}, err
		}
	}
	s := Staff{User: u, Branches: branches, CSRF: h.mac("staff-csrf", token), SessionID: sess.ID, token: token}
	s.narrow(c.Cookies(branchCookie))
	return s, nil
}

// startSession creates a session for u and sets its cookie.
func (h *Handler) startSession(ctx context.Context, c *fiber.Ctx, u store.User) error {
	token, err := randomToken()
	if err != nil {
		return err
	}
	now := h.now()
	sess := store.StaffSession{TokenHash: hub.HashToken(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(SessionLifetime), IP: c.IP(), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 300)}
	if err := h.store.CreateSession(ctx, &sess); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: h.secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(SessionLifetime.Seconds()),
	})
	return nil
}

func (h *Handler) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: h.secure(c),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
}

func (h *Handler) secure(c *fiber.Ctx) bool { return h.secureCookies || c.Protocol() == "https" }

// CSRF tokens are HMACs of the session token (or, on the login form, of
// the pre-session nonce) under the server secret: nothing to store, and
// valid on every instance that shares the secret.
func (h *Handler) mac(parts ...string) string {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF accepts the form field "csrf" or the X-CSRF-Token header.
func (h *Handler) checkCSRF(c *fiber.Ctx, s Staff) bool {
	got := c.FormValue("csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	return got != "" && hmac.Equal([]byte(got), []byte(s.CSRF))
}

// randomToken is 256 random bits, URL-safe.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
