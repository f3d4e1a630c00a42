package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/hub/web/staffpage"
)

// An inspection's photos and videos: one file per request (a weak bay
// Wi-Fi loses at most the file in flight, and the script retries it with
// the same upload key, which stores nothing twice), their thumbnails, and
// the staff's way to see them.

// maxUploadKey is the longest upload key a page may send.
const maxUploadKey = 64

// validUploadKey accepts the page's random ids: letters, digits, - and _.
func validUploadKey(k string) bool {
	if k == "" || len(k) > maxUploadKey {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// inspectionUpload is POST …/inspection/items/<item>/media: form fields
// file and upload_key. The file is checked by its content (photos and
// videos only, limits as the mechanic page's), stored with its thumbnail,
// then recorded once per upload key.
func (h *Handler) inspectionUpload(c *fiber.Ctx, s staff.Staff, th hub.Thread, insp hub.Inspection) error {
	itemID := idParam(c, "item")
	if itemID == 0 {
		return notFound(c)
	}
	if h.media == nil {
		return h.Internal(c, "inspection upload", errors.New("no media store"))
	}
	key := c.FormValue("upload_key")
	if !validUploadKey(key) {
		return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "upload_key")
	}
	// The item and a retry are known before the file is read: a made-up
	// item id writes no file, a retried upload is not decoded again.
	stored, err := h.store.StoredUpload(c.UserContext(), insp.ID, itemID, key)
	if errors.Is(err, store.ErrNotFound) {
		return h.inspectionRefused(c, th, itemID, fiber.StatusNotFound, "not_found")
	}
	if err != nil {
		return h.Internal(c, "inspection upload", err)
	}
	if stored != nil {
		return h.uploadDone(c, th, itemID, *stored)
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "no_file")
	}
	data, kind, err := readEvidence(fh)
	switch {
	case errors.Is(err, errFileSize):
		return h.inspectionRefused(c, th, itemID, fiber.StatusRequestEntityTooLarge, "file_too_big")
	case errors.Is(err, errFileType):
		return h.inspectionRefused(c, th, itemID, fiber.StatusUnsupportedMediaType, "file_type")
	case err != nil:
		return h.Internal(c, "read upload", err)
	}
	thumb, err := h.makeThumbnail(c.UserContext(), data, kind)
	switch {
	case errors.Is(err, errThumbBusy):
		return h.inspectionRefused(c, th, itemID, fiber.StatusServiceUnavailable, "busy")
	case errors.Is(err, hub.ErrImageTooLarge):
		return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "image_too_big")
	case err != nil:
		return h.inspectionRefused(c, th, itemID, fiber.StatusUnprocessableEntity, "bad_image")
	}
	m := hub.InspectionMedia{ItemID: itemID, UploadKey: key, Name: hub.CleanFileName(fh.Filename), ContentType: kind,
		SizeBytes: int64(len(data)), CreatedBy: staffpage.DisplayName(s.User)}
	// Files first: a row never names a missing file, and a file whose row
	// then fails is harmless (nothing points to it; a retry finds it).
	if m.SHA256, err = h.media.Put(data); err != nil {
		return h.Internal(c, "store inspection file", err)
	}
	if thumb != nil {
		if m.ThumbSHA256, err = h.media.Put(thumb); err != nil {
			return h.Internal(c, "store thumbnail", err)
		}
	}
	added, err := h.store.AddInspectionMedia(c.UserContext(), insp.ID, &m)
	if errors.Is(err, store.ErrNotFound) {
		return h.inspectionRefused(c, th, itemID, fiber.StatusNotFound, "not_found")
	}
	if err != nil {
		return h.Internal(c, "add inspection media", err)
	}
	if added {
		h.Log.Info("inspection file added", "thread_id", th.ID, "item_id", itemID, "media_id", m.ID, "user_id", s.User.ID,
			"content_type", kind, "size_bytes", m.SizeBytes)
	}
	return h.uploadDone(c, th, itemID, m)
}

// uploadDone answers a stored upload (new or a retry) as the page's
// script reads it.
func (h *Handler) uploadDone(c *fiber.Ctx, th hub.Thread, itemID int64, m hub.InspectionMedia) error {
	v := fiber.Map{"id": m.ID, "url": mediaURL(m.ID), "name": m.Name, "video": strings.HasPrefix(m.ContentType, "video/"),
		"delete": fmt.Sprintf("%s/media/%d/delete", inspectionURL(th.ID), m.ID), "thumb": ""}
	if m.ThumbSHA256 != "" {
		v["thumb"] = mediaURL(m.ID) + "/thumb"
	}
	return inspectionDone(c, th, itemID, "uploaded", v)
}

// thumbSlots is how many thumbnails the hub decodes at once: each may take
// up to hub.MaxThumbDecoded bytes and a core, so fifteen uploads at once (a
// retry storm, a hostile phone) wait their turn instead of decoding
// together.
const thumbSlots = 2

// thumbStoreTime is the part of an upload's time kept for storing it after
// its thumbnail is made.
const thumbStoreTime = 3 * time.Second

// errThumbBusy: no thumbnail slot came free in the request's time; the
// page's script retries the upload with the same key.
var errThumbBusy = errors.New("thumbnail: busy")

// makeThumbnail is hub.MakeThumbnail in one of the handler's slots.
func (h *Handler) makeThumbnail(ctx context.Context, data []byte, kind string) ([]byte, error) {
	if kind != "image/jpeg" && kind != "image/png" {
		return hub.MakeThumbnail(data, kind) // nothing to decode
	}
	// The wait ends thumbStoreTime before the request's deadline: what
	// follows the thumbnail (files, the row) needs that much of it.
	wait := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		wait, cancel = context.WithDeadline(ctx, deadline.Add(-thumbStoreTime))
		defer cancel()
	}
	select {
	case h.thumbs <- struct{}{}:
	case <-wait.Done():
		return nil, fmt.Errorf("%w: %w", errThumbBusy, wait.Err())
	}
	defer func() { <-h.thumbs }()
	thumb, err := hub.MakeThumbnail(data, kind)
	if err == nil && wait.Err() != nil {
		// Made, but too late to store within the request's time.
		return nil, fmt.Errorf("%w: %w", errThumbBusy, wait.Err())
	}
	return thumb, err
}

// readEvidence reads an uploaded photo or video and names its type by its
// content: an SVG or a page named .jpg is errFileType, a file over its
// kind's limit errFileSize.
func readEvidence(fh *multipart.FileHeader) ([]byte, string, error) {
	if fh.Size > maxVideoBytes {
		return nil, "", errFileSize
	}
	r, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("open upload: %w", err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxVideoBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("read upload: %w", err)
	}
	kind := hub.SniffFile(data)
	video := strings.HasPrefix(kind, "video/")
	switch {
	case !video && !strings.HasPrefix(kind, "image/"):
		return nil, "", errFileType
	case video && len(data) > maxVideoBytes, !video && len(data) > maxPhotoBytes:
		return nil, "", errFileSize
	}
	return data, kind, nil
}

// inspectionMediaDelete is POST …/inspection/media/<media>/delete.
func (h *Handler) inspectionMediaDelete(c *fiber.Ctx, _ staff.Staff, th hub.Thread, insp hub.Inspection) error {
	id := idParam(c, "media")
	if id == 0 {
		return notFound(c)
	}
	err := h.store.DeleteInspectionMedia(c.UserContext(), insp.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted already (a second tap): what was asked is done.
		return inspectionDone(c, th, 0, "deleted", fiber.Map{"id": id})
	}
	if err != nil {
		return h.Internal(c, "delete inspection media", err)
	}
	return inspectionDone(c, th, 0, "deleted", fiber.Map{"id": id})
}

// inspectionMedia serves GET /inspection/media/<id> (thumb false) and
// /inspection/media/<id>/thumb to staff of the inspection's branch; the
// advisor's card links the same addresses.
func (h *Handler) inspectionMedia(thumb bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, _ := staff.Current(c)
		id := idParam(c, "media")
		if id == 0 || h.media == nil {
			return notFound(c)
		}
		m, err := h.store.StaffInspectionMedia(c.UserContext(), s.BranchIDs, id)
		if errors.Is(err, store.ErrNotFound) {
			return notFound(c)
		}
		if err != nil {
			return h.Internal(c, "load inspection media", err)
		}
		err = attachment.SendInspectionMedia(c, h.media, m, thumb)
		if attachment.IsMissing(err) {
			return notFound(c) // no thumbnail made, or a file lost from the disk
		}
		if err != nil {
			return h.Internal(c, "send inspection media", err)
		}
		return nil
	}
}
