package inbox

import (
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// MaxUploadBytes is the largest file staff may send (a mechanic's short
// video); the HTTP server accepts bodies at least this large.
const MaxUploadBytes = 50 << 20

// Upload limits of the mechanic page, by kind of file.
const (
	maxPhotoBytes = 20 << 20
	maxVideoBytes = MaxUploadBytes
)

var (
	errFileType = errors.New("file type not accepted")
	errFileSize = errors.New("file too large")
)

// mechanicUpload is POST /mechanic/orders/<thread id>/photos: one photo or
// video, checked by its content, and a comment, stored as an internal
// message of the order's thread authored by the mechanic.
func (h *Handler) mechanicUpload(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if th.WorkOrderID == nil {
		return notFound(c)
	}
	if h.media == nil {
		return h.Internal(c, "mechanic upload", errors.New("no media store"))
	}
	to := mechanicURL(th.ID)
	comment := strings.TrimSpace(c.FormValue("comment"))
	if utf8.RuneCountInString(comment) > maxText {
		return c.Redirect(to+"?err=too_long", fiber.StatusSeeOther)
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return c.Redirect(to+"?err=no_file", fiber.StatusSeeOther)
	}
	f, err := h.saveUpload(fh, false)
	switch {
	case errors.Is(err, errFileSize):
		return c.Redirect(to+"?err=file_too_big", fiber.StatusSeeOther)
	case errors.Is(err, errFileType):
		return c.Redirect(to+"?err=file_type", fiber.StatusSeeOther)
	case err != nil:
		return h.Internal(c, "save upload", err)
	}
	m, err := h.store.AddInternalFile(c.UserContext(), th.ID, staffpage.DisplayName(s.User), comment, f)
	if err != nil {
		return h.Internal(c, "add internal file", err)
	}
	h.Log.Info("mechanic file added", "thread_id", th.ID, "message_id", m.ID, "user_id", s.User.ID,
		"content_type", f.ContentType, "size_bytes", f.SizeBytes)
	return c.Redirect(to+"?ok=1", fiber.StatusSeeOther)
}

// saveUpload checks the file by its content, not its name, against the
// limit of its kind, and writes it to the media store. Photos and videos
// are always accepted; PDFs and audio (a voice note) when pdf is set (an
// advisor's reply to the customer, not a mechanic's evidence).
func (h *Handler) saveUpload(fh *multipart.FileHeader, pdf bool) (store.InboundFile, error) {
	if fh.Size > maxVideoBytes {
		return store.InboundFile{}, errFileSize
	}
	r, err := fh.Open()
	if err != nil {
		return store.InboundFile{}, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxVideoBytes+1))
	if err != nil {
		return store.InboundFile{}, err
	}
	kind := hub.SniffFile(data)
	switch {
	case (kind == "application/pdf" || strings.HasPrefix(kind, "audio/")) && !pdf,
		kind != "application/pdf" && !strings.HasPrefix(kind, "image/") && !strings.HasPrefix(kind, "video/") && !strings.HasPrefix(kind, "audio/"):
		return store.InboundFile{}, errFileType
	case strings.HasPrefix(kind, "video/") && len(data) > maxVideoBytes,
		!strings.HasPrefix(kind, "video/") && len(data) > maxPhotoBytes:
		return store.InboundFile{}, errFileSize
	}
	hash, err := h.media.Put(data)
	if err != nil {
		return store.InboundFile{}, err
	}
	return store.InboundFile{SHA256: hash, Name: hub.CleanFileName(fh.Filename), ContentType: kind, SizeBytes: int64(len(data))}, nil
}
