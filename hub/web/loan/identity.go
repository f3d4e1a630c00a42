package loan

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"os"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// identityView is the identity step as the page shows it.
type identityView struct {
	Stripe     bool // the online check; else the manual photos
	Status     string
	Failed     bool // the last online try failed: the customer tries again
	CanStart   bool
	CanUpload  bool
	Photos     []photoView
	Verified   bool
	Submitted  bool
	Processing bool
	Refused    bool // staff refused the check (the loan ends refused with it)
}

// photoView is one photo of the manual check: whether it arrived, never
// the photo itself (it is for staff only).
type photoView struct {
	Kind, Label, Capture string
	Received             bool
}

// onlineCheck tells whether the loan's identity is checked on the
// provider's page: the branch uses it and the hub has it. Otherwise the
// customer sends the manual check's photos.
func (h *Handler) onlineCheck(l hub.Loan) bool {
	return l.IdentityMethod == hub.IdentityStripe && h.identity != nil
}

func (h *Handler) identityView(ctx context.Context, l hub.Loan, t map[string]string) (*identityView, error) {
	open := l.State == hub.LoanOffered && l.IdentityStatus == hub.IdentityPending
	v := &identityView{Stripe: h.onlineCheck(l), Status: l.IdentityStatus,
		Verified: l.IdentityStatus == hub.IdentityVerified || l.State == hub.LoanOut, Submitted: l.IdentityStatus == hub.IdentitySubmitted,
		Processing: l.IdentityStatus == hub.IdentityProcessing, Refused: l.IdentityStatus == hub.IdentityRefused}
	if v.Stripe {
		v.CanStart = open
		v.Failed = open && l.IdentityError != ""
		return v, nil
	}
	v.CanUpload = open
	if !open {
		return v, nil
	}
	files, err := h.store.LoanIdentityFiles(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	received := map[string]bool{}
	for _, f := range files {
		received[f.Kind] = true
	}
	for _, kind := range hub.IDPhotoKinds() {
		capture := "environment"
		if kind == hub.IDPhotoSelfie {
			capture = "user"
		}
		v.Photos = append(v.Photos, photoView{Kind: kind, Label: t["photo_"+kind], Capture: capture, Received: received[kind]})
	}
	return v, nil
}

// startIdentity is POST /l/<token>/identity/start: it opens the
// provider's hosted check (303 to it). The page never stores or logs the
// provider's address; the result comes by the provider's webhook.
func (h *Handler) startIdentity(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		l := v.loan
		if !h.onlineCheck(l) || l.State != hub.LoanOffered || l.IdentityStatus != hub.IdentityPending {
			return h.refuse(c, v, fiber.StatusConflict, "identity_closed", signForm{})
		}
		to, err := h.identity.StartCheck(ctx, l, h.publicBase(c)+v.base)
		if err == nil && !webAddress(to) {
			err = errors.New("the provider's page is not an http(s) address")
		}
		if errors.Is(err, ErrIdentityUnavailable) {
			// The branch's Stripe cannot be used: the photos instead.
			h.log.Warn("loan page: online identity check unavailable, moved to photos", "loan_id", l.ID, "error", err)
			moved, merr := h.checkByPhotos(ctx, l.ID)
			if merr != nil {
				return h.internal(c, "move identity check to photos", merr)
			}
			if moved {
				return c.Redirect(v.base+"?ok=identity_moved#identity", fiber.StatusSeeOther)
			}
			return h.refuse(c, v, fiber.StatusConflict, "identity_closed", signForm{})
		}
		if err != nil {
			h.log.Warn("loan page: start identity check", "loan_id", l.ID, "error", err)
			return h.refuse(c, v, fiber.StatusServiceUnavailable, "identity_unavailable", signForm{})
		}
		return c.Redirect(to, fiber.StatusSeeOther)
	})
}

// webAddress tells whether a provider's answer is a page a browser may be
// sent to: an absolute http(s) URL, never a javascript: or data: one.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

var (
	errFileType       = errors.New("not a photo")
	errFileSize       = errors.New("photo too large")
	errIdentityClosed = errors.New("the identity check takes no more photos")
)

// uploadPhoto is POST /l/<token>/identity/photo: one photo of the manual
// check (the form's kind), a retake replacing the kind's photo. The fifth
// kind moves the check to submitted and tells staff in the thread, in the
// same transaction. The photo is checked by its content (a real JPEG,
// PNG, WebP or HEIC; an SVG, a page or a script named .jpg is refused),
// within maxPhotoPixels, stored without its metadata (EXIF with the GPS
// position, XMP, comments, whatever follows the picture; HEIC excepted)
// and never shown back.
func (h *Handler) uploadPhoto(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		l := v.loan
		if h.onlineCheck(l) || l.State != hub.LoanOffered || l.IdentityStatus != hub.IdentityPending {
			return h.refuse(c, v, fiber.StatusConflict, "identity_closed", signForm{})
		}
		kind := c.FormValue("kind")
		fh := postedFile(c, "photo")
		if !hub.IsIDPhotoKind(kind) || fh == nil {
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "photo_missing", signForm{})
		}
		data, contentType, err := h.readPhoto(fh)
		switch {
		case errors.Is(err, errFileSize):
			return h.refuse(c, v, fiber.StatusRequestEntityTooLarge, "file_too_big", signForm{})
		case errors.Is(err, errFileType):
			return h.refuse(c, v, fiber.StatusUnsupportedMediaType, "file_type", signForm{})
		case err != nil:
			return h.internal(c, "read photo", err)
		}
		car, err := h.store.CourtesyCar(ctx, l.BranchID, l.CarID)
		if err != nil {
			return h.internal(c, "load car", err)
		}
		hash, err := h.media.Put(data)
		if err != nil {
			return h.internal(c, "store photo", err)
		}
		f := hub.LoanIdentityFile{LoanID: l.ID, Kind: kind, MediaPath: hash, ContentType: contentType, SizeBytes: int64(len(data)), SHA256: hash}
		var replaced *hub.LoanIdentityFile
		var after hub.Loan
		for range 5 { // another photo of the same loan at the same moment: read again and retry
			replaced, after, err = h.storePhoto(ctx, f, car)
			if !errors.Is(err, store.ErrLoanChanged) {
				break
			}
		}
		switch {
		case errors.Is(err, errIdentityClosed), errors.Is(err, store.ErrLoanMove):
			h.dropIfUnused(ctx, hash)
			return h.refuse(c, v, fiber.StatusConflict, "identity_closed", signForm{})
		case errors.Is(err, store.ErrLoanChanged):
			h.dropIfUnused(ctx, hash)
			return h.refuse(c, v, fiber.StatusConflict, "busy", signForm{})
		case err != nil:
			h.dropIfUnused(ctx, hash)
			return h.internal(c, "store identity photo", err)
		}
		if replaced != nil && replaced.SHA256 != hash {
			h.dropIfUnused(ctx, replaced.SHA256)
		}
		outcome := "photo_ok"
		if after.IdentityStatus == hub.IdentitySubmitted {
			outcome = "photos_done"
		}
		return c.Redirect(v.base+"?ok="+outcome+"#identity", fiber.StatusSeeOther)
	})
}

// storePhoto records the photo and, with the fifth kind, submits the
// check, in one transaction. The loan is changed (its version moved on)
// by every photo, so two photos at once are taken one after the other:
// the second sees the first when it counts the five.
func (h *Handler) storePhoto(ctx context.Context, f hub.LoanIdentityFile, car hub.CourtesyCar) (replaced *hub.LoanIdentityFile, after hub.Loan, err error) {
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if replaced, err = tx.AddLoanIdentityFile(ctx, &f); err != nil {
			return err
		}
		after, err = tx.ChangeLoan(ctx, f.LoanID, "", func(l *hub.Loan) error {
			if h.onlineCheck(*l) || l.State != hub.LoanOffered || l.IdentityStatus != hub.IdentityPending {
				return errIdentityClosed
			}
			if l.IdentityMethod != hub.IdentityManual {
				// A Stripe branch while the hub has no online check: the
				// photos are the check, and an advisor reviews them as a
				// manual one (the card's approval asks for that method).
				l.CheckByPhotos()
			}
			files, err := tx.LoanIdentityFiles(ctx, l.ID)
			if err != nil {
				return err
			}
			if len(files) == len(hub.IDPhotoKinds()) {
				l.IdentityStatus, l.IdentityError = hub.IdentitySubmitted, ""
			}
			return nil
		})
		if err != nil || after.IdentityStatus != hub.IdentitySubmitted {
			return err
		}
		line := hub.SystemLine(after.ThreadID, "naryad", templates.SysLoanIdentitySubmitted, map[string]string{"plate": car.Plate})
		return tx.AddMessage(ctx, &line)
	})
	return replaced, after, err
}

// dropIfUnused deletes a media file nothing names any more: a replaced
// identity photo, or one whose storing was refused. Identity photos must
// not outlive their rows. A failure is logged; the purge of ended loans
// finds no row for it, so it is worth an operator's look.
func (h *Handler) dropIfUnused(ctx context.Context, hash string) {
	unused, err := h.store.MediaUnused(ctx, hash)
	if err == nil && unused {
		err = os.Remove(h.media.Path(hash))
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	}
	if err != nil {
		h.log.Error("loan page: delete unused identity photo", "sha256", hash, "error", err)
	}
}

// postedFile is the form's first non-empty file of the field.
func postedFile(c *fiber.Ctx, field string) *multipart.FileHeader {
	form, err := c.MultipartForm()
	if err != nil || form == nil {
		return nil
	}
	for _, fh := range form.File[field] {
		if fh.Size > 0 {
			return fh
		}
	}
	return nil
}

// readPhoto reads an uploaded photo within the limit and names its type
// from its content.
func (h *Handler) readPhoto(fh *multipart.FileHeader) ([]byte, string, error) {
	if fh.Size > h.uploadMax {
		return nil, "", errFileSize
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, h.uploadMax+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > h.uploadMax {
		return nil, "", errFileSize
	}
	kind, pixels := photoType(data)
	if kind == "" {
		return nil, "", errFileType
	}
	if pixels > maxPhotoPixels {
		// A few kilobytes may claim gigabytes of pixels (a decompression
		// bomb): staff's browser would have to draw them.
		return nil, "", errFileSize
	}
	if kind == "image/heic" {
		return data, kind, nil // no metadata stripped: see docs/loaners.md
	}
	// Where and with what the photo was taken, and whatever else the
	// camera wrote beside the picture, is none of the hub's business.
	clean, err := hub.StripImageMetadata(data, kind)
	if err != nil {
		return nil, "", errFileType
	}
	return clean, kind, nil
}

// maxPhotoPixels bounds a photo's size in pixels (hub.MaxPhotoPixels).
const maxPhotoPixels = hub.MaxPhotoPixels

// photoType is "image/jpeg", "image/png", "image/webp" or "image/heic"
// when data is such a photo by its content, else "", with its size in
// pixels (hub.PhotoType, the check the car photos share).
func photoType(data []byte) (string, int64) { return hub.PhotoType(data) }
