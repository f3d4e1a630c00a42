package attachment

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
)

// SendInspectionMedia answers with a photo or video of an inspection (thumb
// false) or its thumbnail, for the staff's and the customer's addresses
// alike. A Range request for the full file gets its part (206): Safari on
// an iPhone plays a video only from a server that does. A file (or a
// thumbnail) that is not there is an error wrapping fs.ErrNotExist, for the
// caller's own 404; nothing has been written then.
func SendInspectionMedia(c *fiber.Ctx, media *hub.Media, m hub.InspectionMedia, thumb bool) error {
	a := hub.Attachment{ID: m.ID, SHA256: m.SHA256, Name: m.Name, ContentType: m.ContentType, SizeBytes: m.SizeBytes}
	if thumb {
		if m.ThumbSHA256 == "" {
			return fmt.Errorf("inspection media %d: no thumbnail: %w", m.ID, fs.ErrNotExist)
		}
		a.SHA256, a.ContentType = m.ThumbSHA256, "image/jpeg"
		a.Name = strings.TrimSuffix(m.Name, ".jpg") + "-thumb.jpg"
	}
	f, err := os.Open(media.Path(a.SHA256))
	if err != nil {
		return fmt.Errorf("open inspection media %d: %w", m.ID, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("inspection media %d: %w", m.ID, err)
	}
	size := st.Size() // the thumbnail's row has no size; the full file's is its own
	Headers(c, a.ContentType, a.Name)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	start, end, ok, fits := byteRange(c.Get(fiber.HeaderRange), size)
	switch {
	case thumb || !ok:
		return c.SendStream(f, int(size)) // fasthttp closes f when sent
	case !fits:
		f.Close()
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
		return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
	}
	c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, end, size))
	c.Status(fiber.StatusPartialContent)
	part := struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, start, end-start+1), f}
	return c.SendStream(part, int(end-start+1)) // fasthttp closes f when sent
}

// IsMissing tells whether err of SendInspectionMedia is a file not there.
func IsMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// byteRange reads "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of
// size bytes: ok is false for any other form (no header, several ranges,
// another unit), fits false for a range outside the file.
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
