package customer

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

// reportMedia is GET /c/<token>/inspection/media/:id and …/:id/thumb: a
// photo or video of the report, only of this thread's sent inspection and
// of an item shown to the customer. The files are named by their content
// hash, so the browser may keep them: an edit makes a new row and URL.
func (h *Handler) reportMedia(thumb bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return h.withVisit(c, false, func(v visit) error {
			id, err := c.ParamsInt("id")
			if err != nil || id <= 0 {
				return h.notFound(c)
			}
			ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
			defer cancel()
			m, err := h.store.CustomerInspectionMedia(ctx, v.thread.ID, int64(id))
			if errors.Is(err, store.ErrNotFound) {
				return h.notFound(c)
			}
			if err != nil {
				return h.internal(c, "load inspection media", err)
			}
			err = attachment.SendInspectionMedia(c, h.media, m, thumb)
			if attachment.IsMissing(err) {
				return h.notFound(c) // no thumbnail: the page links the full file then
			}
			if err != nil {
				return h.internal(c, "send inspection media", err)
			}
			c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
			return nil
		})
	}
}
