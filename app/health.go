package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// healthTTL is how long a passing check is believed. Load balancers ask
// every few seconds and each check writes to the database and the disk; a
// failing check is not kept, so recovery shows at the next request.
const healthTTL = 5 * time.Second

// healthCheck is what /healthz asks: can the hub still write where it
// must? A ping alone stays green on a full disk while every write fails.
type healthCheck struct {
	store *store.Store
	media *hub.Media
	log   *slog.Logger

	mu       sync.Mutex // one check at a time; the others wait for its answer
	passedAt time.Time
}

func newHealthCheck(st *store.Store, media *hub.Media, log *slog.Logger) *healthCheck {
	return &healthCheck{store: st, media: media, log: log}
}

// failing returns why the write path fails, or "" when it works.
func (h *healthCheck) failing(ctx context.Context) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if time.Since(h.passedAt) < healthTTL {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := h.store.ProbeWrite(ctx); err != nil {
		h.log.Error("health check: database write failed", "error", err)
		return "database writes fail"
	}
	if err := h.media.Probe(); err != nil {
		h.log.Error("health check: media directory write failed", "error", err)
		return "media directory writes fail" + cause(err)
	}
	h.passedAt = time.Now()
	return ""
}

// cause is the operating system's words for a file error ("no space left
// on device"), without the path, which is no business of a public URL.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return ": " + pe.Err.Error()
	}
	return ""
}

// handle is GET /healthz: 200 {"status":"ok"}, or 503 with the reason.
func (h *healthCheck) handle(c *fiber.Ctx) error {
	if reason := h.failing(c.UserContext()); reason != "" {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": reason})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
