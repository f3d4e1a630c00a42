package customer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
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
			a := hub.Attachment{ID: m.ID, SHA256: m.SHA256, Name: m.Name, ContentType: m.ContentType, SizeBytes: m.SizeBytes}
			if thumb {
				if m.ThumbSHA256 == "" {
					return h.notFound(c) // the page links the full file then
				}
				st, err := os.Stat(h.media.Path(m.ThumbSHA256))
				if errors.Is(err, fs.ErrNotExist) {
					return h.notFound(c) // not on the disk: the PDF leaves it out too
				}
				if err != nil {
					return h.internal(c, "thumbnail", err)
				}
				a = hub.Attachment{ID: m.ID, SHA256: m.ThumbSHA256, Name: "thumb.jpg", ContentType: "image/jpeg", SizeBytes: st.Size()}
			}
			if r := c.Get(fiber.HeaderRange); r != "" && !thumb {
				return h.sendRange(c, a, r)
			}
			err = attachment.Send(c, h.media, a)
			if errors.Is(err, fs.ErrNotExist) {
				return h.notFound(c)
			}
			if err != nil {
				return h.internal(c, "send inspection media", err)
			}
			c.Set(fiber.HeaderAcceptRanges, "bytes")
			c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
			return nil
		})
	}
}

// sendRange answers a Range request for a report file with its part (206):
// Safari on an iPhone plays a video only from a server that does, asking
// for "bytes=0-1" first. One range only; a range that does not fit the
// file is 416, and a form this does not read gets the whole file.
func (h *Handler) sendRange(c *fiber.Ctx, a hub.Attachment, header string) error {
	f, err := os.Open(h.media.Path(a.SHA256))
	if errors.Is(err, fs.ErrNotExist) {
		return h.notFound(c)
	}
	if err != nil {
		return h.internal(c, "open inspection media", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return h.internal(c, "inspection media", err)
	}
	size := st.Size()
	start, end, ok, fits := byteRange(header, size)
	if !ok {
		f.Close()
		if err := attachment.Send(c, h.media, a); err != nil {
			return h.internal(c, "send inspection media", err)
		}
		c.Set(fiber.HeaderAcceptRanges, "bytes")
		return nil
	}
	if !fits {
		f.Close()
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
		return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
	}
	attachment.Headers(c, a.ContentType, a.Name)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	c.Status(fiber.StatusPartialContent)
	part := struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, start, end-start+1), f}
	return c.SendStream(part, int(end-start+1)) // fasthttp closes f when sent
}

// byteRange reads "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of
// size bytes: ok is false for any other form (several ranges, another
// unit), fits false for a range outside the file.
func byteRange(header string, size int64) (start, end int64, ok, fits bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	from, to, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	var err error
	switch {
	case from == "":
		n, err := strconv.ParseInt(to, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, true, false
		}
		start, end = max(size-n, 0), size-1
	default:
		if start, err = strconv.ParseInt(from, 10, 64); err != nil || start < 0 {
			return 0, 0, true, false
		}
		end = size - 1
		if to != "" {
			if end, err = strconv.ParseInt(to, 10, 64); err != nil {
				return 0, 0, true, false
			}
			end = min(end, size-1)
		}
	}
	return start, end, true, size > 0 && start <= end && start < size
}
