package lockerhub

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/lockerwire"
)

// Limits of one sync request.
const (
	// MaxBodyBytes is the largest sync body: MaxEvents events and a few
	// hundred compartments fit many times over.
	MaxBodyBytes   = 1 << 20
	requestTimeout = 30 * time.Second
)

// Handler serves the kiosks' sync endpoint.
type Handler struct {
	svc *Service
	log *slog.Logger
}

// NewHandler builds the sync endpoint.
func NewHandler(svc *Service, log *slog.Logger) *Handler {
	return &Handler{svc: svc, log: log}
}

// Register adds the sync route.
func (h *Handler) Register(app *fiber.App) {
	app.Post(lockerwire.SyncPath, h.sync)
}

// fail answers with the JSON error shape the kiosk shows in its log.
func fail(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": msg})
}

// Authorized tells, before the body is read, whether the request carries
// a live kiosk token: only such a request may send a body over the
// server's small default.
func (h *Handler) Authorized(c *fiber.Ctx) bool {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	_, err := h.svc.SiteByToken(ctx, token)
	return err == nil
}

func (h *Handler) sync(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		return fail(c, fiber.StatusUnauthorized, "missing bearer token")
	}
	site, err := h.svc.SiteByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return fail(c, fiber.StatusUnauthorized, "unknown or revoked kiosk token")
	}
	if err != nil {
		h.log.Error("locker sync: auth", "error", err)
		return fail(c, fiber.StatusInternalServerError, "internal error")
	}
	body := c.Body()
	if len(body) > MaxBodyBytes {
		return fail(c, fiber.StatusRequestEntityTooLarge, "body of "+strconv.Itoa(len(body))+" bytes is over the limit of "+strconv.Itoa(MaxBodyBytes))
	}
	var req lockerwire.SyncRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return fail(c, fiber.StatusBadRequest, "body is not a sync request: "+err.Error())
	}
	started := time.Now()
	resp, err := h.svc.Sync(ctx, site, req)
	if IsInvalid(err) {
		h.log.Warn("locker sync refused", "site_id", site.ID, "events", len(req.Events), "error", err)
		return fail(c, fiber.StatusBadRequest, err.Error())
	}
	if err != nil {
		h.log.Error("locker sync", "site_id", site.ID, "events", len(req.Events), "error", err)
		return fail(c, fiber.StatusInternalServerError, "the sync was not stored; send it again")
	}
	// A kiosk syncs every few seconds: only syncs that carried events are
	// worth a line at the default level.
	level := slog.LevelDebug
	if len(req.Events) > 0 {
		level = slog.LevelInfo
	}
	h.log.Log(ctx, level, "locker sync", "site_id", site.ID, "events", len(req.Events), "unchanged", resp.Unchanged,
		"duration_ms", time.Since(started).Milliseconds())
	return c.JSON(resp)
}
