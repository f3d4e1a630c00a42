package customer

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

const maxMessageRunes = 4000

// customerKinds are the files a customer may send: photos and PDFs.
var customerKinds = map[string]bool{"image/jpeg": true, "image/png": true, "image/heic": true, "application/pdf": true}

var (
	errFileType = errors.New("file type not accepted")
	errFileSize = errors.New("file too large")
)

// postMessage is POST /c/<token>/messages: text and/or one file from the
// customer. Without JavaScript it is a plain form answered by a redirect.
func (h *Handler) postMessage(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		if !h.checkForm(c, v) {
			return c.Status(fiber.StatusForbidden).SendString("This form has expired. Reload the page and try again.")
		}
		text := strings.TrimSpace(c.FormValue("text"))
		if utf8.RuneCountInString(text) > maxMessageRunes {
			text = string([]rune(text)[:maxMessageRunes])
		}
		var files []store.InboundFile
		if fh := postedFile(c); fh != nil {
			f, err := h.saveUpload(fh)
			switch {
			case errors.Is(err, errFileSize):
				return back(c, v, "err", "file_too_big")
			case errors.Is(err, errFileType):
				return back(c, v, "err", "file_type")
			case err != nil:
				return h.internal(c, "save upload", err)
			}
			files = append(files, f)
		}
		if text == "" && len(files) == 0 {
			return back(c, v, "err", "empty")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 15*time.Second)
		defer cancel()
		// A reply of STOP (or START) is stored like any other and, in the
		// same transaction, changes whether the customer gets reminders; a
		// reply to the feedback question records the score.
		err := h.store.Tx(ctx, func(tx *store.Store) error {
			m, err := tx.AddCustomerForm(ctx, v.thread, formKey(c), text, "web", files)
			if err != nil {
				return err
			}
			if err := h.optOut.Apply(ctx, tx, v.thread, text); err != nil {
				return err
			}
			return reply.ApplyFeedbackReply(ctx, tx, v.thread, m)
		})
		if errors.Is(err, store.ErrDuplicateForm) {
			// The same form again (a double click, a browser retry): the
			// first copy is stored, so this one gets the page the first got.
			return back(c, v, "ok", "sent_ok")
		}
		if err != nil {
			return h.internal(c, "add message", err)
		}
		return back(c, v, "ok", "sent_ok")
	})
}

// postedFile is the form's first non-empty file: the page has two pickers
// named "file" (the camera and the file picker), and the one not used
// still posts an empty part.
func postedFile(c *fiber.Ctx) *multipart.FileHeader {
	form, err := c.MultipartForm()
	if err != nil || form == nil {
		return nil
	}
	for _, fh := range form.File["file"] {
		if fh.Size > 0 {
			return fh
		}
	}
	return nil
}

// maxFormKeyRunes bounds what is stored of a form key; the page's own keys
// are 26 characters.
const maxFormKeyRunes = 64

// newFormKey is the random key of one render of the message form.
func newFormKey() string { return rand.Text() }

// formKey is the message form's key, empty when the page was rendered
// before forms had keys (such a post is stored as it always was).
func formKey(c *fiber.Ctx) string {
	key := strings.TrimSpace(c.FormValue("msg_key"))
	if utf8.RuneCountInString(key) > maxFormKeyRunes {
		key = string([]rune(key)[:maxFormKeyRunes])
	}
	return key
}

// saveUpload checks the file by its content, not its name, and stores it.
func (h *Handler) saveUpload(fh *multipart.FileHeader) (store.InboundFile, error) {
	if fh.Size > h.uploadMax {
		return store.InboundFile{}, errFileSize
	}
	f, err := fh.Open()
	if err != nil {
		return store.InboundFile{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, h.uploadMax+1))
	if err != nil {
		return store.InboundFile{}, err
	}
	if int64(len(data)) > h.uploadMax {
		return store.InboundFile{}, errFileSize
	}
	kind := hub.SniffFile(data)
	if !customerKinds[kind] {
		return store.InboundFile{}, errFileType
	}
	hash, err := h.media.Put(data)
	if err != nil {
		return store.InboundFile{}, err
	}
	return store.InboundFile{SHA256: hash, Name: hub.CleanFileName(fh.Filename), ContentType: kind, SizeBytes: int64(len(data))}, nil
}

// file is GET /c/<token>/files/<id>: an attachment of this thread only.
func (h *Handler) file(c *fiber.Ctx) error {
	return h.withVisit(c, false, func(v visit) error {
		id, err := c.ParamsInt("id")
		if err != nil || id <= 0 {
			return h.notFound(c)
		}
		a, err := h.store.CustomerAttachment(c.UserContext(), v.thread.ID, int64(id))
		if errors.Is(err, store.ErrNotFound) {
			return h.notFound(c)
		}
		if err != nil {
			return h.internal(c, "load attachment", err)
		}
		if err := attachment.Send(c, h.media, a); err != nil {
			return h.internal(c, "send attachment", err)
		}
		return nil
	})
}
