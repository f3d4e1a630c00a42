package inbox

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
)

// Upload limits of the mechanic page. The server's request body limit
// (NARYAD_UPLOAD_MAX_BYTES plus slack) caps both in practice.
const (
	maxPhotoBytes = 20 << 20
	maxVideoBytes = 50 << 20
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
		return h.internal(c, "mechanic upload", errors.New("no media store"))
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
	f, err := h.saveUpload(fh)
	switch {
	case errors.Is(err, errFileSize):
		return c.Redirect(to+"?err=file_too_big", fiber.StatusSeeOther)
	case errors.Is(err, errFileType):
		return c.Redirect(to+"?err=file_type", fiber.StatusSeeOther)
	case err != nil:
		return h.internal(c, "save upload", err)
	}
	m, err := h.store.AddInternalFile(c.UserContext(), th.ID, displayName(s.User), comment, f)
	if err != nil {
		return h.internal(c, "add internal file", err)
	}
	h.log.Info("mechanic file added", "thread_id", th.ID, "message_id", m.ID, "user_id", s.User.ID,
		"content_type", f.ContentType, "size_bytes", f.SizeBytes)
	return c.Redirect(to+"?ok=1", fiber.StatusSeeOther)
}

// saveUpload checks the file by its content, not its name, against the
// limit of its kind, and writes it to the media store.
func (h *Handler) saveUpload(fh *multipart.FileHeader) (store.InboundFile, error) {
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
	kind := sniffMedia(data)
	switch {
	case kind == "":
		return store.InboundFile{}, errFileType
	case strings.HasPrefix(kind, "video/") && len(data) > maxVideoBytes,
		strings.HasPrefix(kind, "image/") && len(data) > maxPhotoBytes:
		return store.InboundFile{}, errFileSize
	}
	hash, err := h.media.Put(data)
	if err != nil {
		return store.InboundFile{}, err
	}
	return store.InboundFile{SHA256: hash, Name: cleanName(fh.Filename), ContentType: kind, SizeBytes: int64(len(data))}, nil
}

// sniffMedia recognises a photo (JPEG, PNG, HEIC) or a video (MP4, MOV) by
// its magic bytes. The image half mirrors customer.sniff.
func sniffMedia(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "image/heic"
		case "qt  ":
			return "video/quicktime"
		case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash":
			return "video/mp4"
		}
	}
	return ""
}

// cleanName keeps a display name without paths or control characters.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}
