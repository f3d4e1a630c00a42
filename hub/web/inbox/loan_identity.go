package inbox

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

// IdentityPhotoPath serves one ID photo of a loan's manual identity
// check (hub.IDPhotoKinds) to advisors and admins of the loan's branch,
// and to nobody else: no customer page or DMS route serves these files.
// A photo deleted after the branch's retention answers 410.
const IdentityPhotoPath = "/inbox/loans/:lid/identity/:kind"

// identityPhoto is GET IdentityPhotoPath: the photo with the stored
// content type (as a passive type, see attachment.Headers), never cached
// ("private, no-store"); each view is audited.
func (h *Handler) identityPhoto(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	id := idParam(c, "lid")
	if id == 0 || h.media == nil {
		return notFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	f, err := h.store.StaffLoanIdentityFile(ctx, s.BranchIDs, id, c.Params("kind"))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load identity photo", err)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if f.PurgedAt != nil {
		return c.Status(fiber.StatusGone).SendString("Deleted after the retention period")
	}
	key, ok := identityMediaKey(f)
	if !ok {
		return h.Internal(c, "identity photo", fmt.Errorf("loan %d photo %s: no content hash to find the file by", id, f.Kind))
	}
	file, err := os.Open(h.media.Path(key))
	if errors.Is(err, fs.ErrNotExist) {
		// The purge deletes the file before it marks the row: gone all the same.
		h.Log.Warn("inbox identity photo missing", "loan_id", id, "kind", f.Kind)
		return c.Status(fiber.StatusGone).SendString("Deleted after the retention period")
	}
	if err != nil {
		return h.Internal(c, "open identity photo", err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return h.Internal(c, "identity photo", err)
	}
	l, err := h.store.Loan(ctx, id)
	if err != nil {
		file.Close()
		return h.Internal(c, "load loan", err)
	}
	err = h.store.Audit(ctx, store.AuditEntry{UserID: &s.User.ID, Action: store.AuditLoanIdentityViewed,
		Subject: fmt.Sprintf("thread %d", l.ThreadID), Detail: fmt.Sprintf("loan %d photo %s", id, f.Kind), IP: c.IP()})
	if err != nil {
		file.Close()
		return h.Internal(c, "audit identity photo", err)
	}
	attachment.Headers(c, f.ContentType, fmt.Sprintf("loan-%d-%s", id, f.Kind))
	return c.SendStream(file, int(info.Size())) // fasthttp closes the file when sent
}

// identityMediaKey is the file's name in the media store: MediaPath when
// it is a content hash, as hub.Media names files, else the photo's
// SHA-256; false when neither is one (nothing else is ever opened).
func identityMediaKey(f hub.LoanIdentityFile) (string, bool) {
	for _, key := range []string{f.MediaPath, f.SHA256} {
		if b, err := hex.DecodeString(key); err == nil && len(b) == 32 {
			return key, true
		}
	}
	return "", false
}
