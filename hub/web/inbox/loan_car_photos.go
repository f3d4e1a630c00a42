package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/hub/web/staffpage"
	"naryad/templates"
)

// The courtesy car's photos on the loan's card (issue 20): the pickup set
// and the return set side by side, one row per kind (front, back, left,
// right, fuel gauge, odometer), with who took each and when; the
// customer's reading at the return; and a form for staff to add a photo
// of a kind at the desk. The card (loan_card.go) puts this part in its
// row; views/loan_car_photos.html draws it. The photos are the evidence of
// a return that opened a staff task (less fuel, damage: see
// hub/store/loan_return_check.go), so the task's thread shows both sets.

// Paths of the car photos: every staff member of the loan's branch sees
// them (mechanics too: the car's state is no secret), advisors and admins
// add one. LoanCarPhotoUploadPath takes a photo's body, so app lists it
// with the body gate.
const (
	LoanCarPhotoPath       = "/inbox/loans/:lid/car-photos/:set/:kind"
	LoanCarPhotoUploadPath = "/inbox/threads/:id/loans/:lid/car-photos"
)

// registerCarPhotos adds the car photos' routes (one line in Register).
func (h *Handler) registerCarPhotos(routes staffpage.Routes) {
	routes.For().Get(LoanCarPhotoPath, h.loanCarPhoto)
	routes.For(store.RoleAdvisor, store.RoleAdmin).Post(LoanCarPhotoUploadPath, h.withThread(h.withLoan(h.addLoanCarPhoto)))
}

func loanCarPhotoURL(loanID int64, set, kind string, photoID int64) string {
	return fmt.Sprintf("/inbox/loans/%d/car-photos/%s/%s?v=%d", loanID, set, kind, photoID)
}

// carPhotosPart is the car photos' part of a loan's row.
type carPhotosPart struct {
	T         map[string]string
	ID        string // the part's anchor
	Rows      []carPhotoRow
	Reading   string // the customer's reading at the return
	Damage    string // the damage they noticed, with their note
	CanUpload bool
	UploadURL string
	CSRF      string
	Sets      []carPhotoOption
	Kinds     []carPhotoOption
}

// carPhotoRow is one kind: its pickup and return photos.
type carPhotoRow struct {
	Label          string
	Pickup, Return carPhotoCell
}

// carPhotoCell is one photo of the card, or none.
type carPhotoCell struct {
	URL     string // the photo; "" when there is none
	Thumb   string // what the card draws: the thumbnail, else the photo
	Purged  string // the photo was deleted after the retention: said so
	Picture bool   // a browser draws it (not a HEIC): shown small
	Who     string // the customer, or the staff member, and when
}

type carPhotoOption struct{ Value, Label string }

// carPhotosPart builds the part for loan l, for the signed-in s: nil when
// the loan has no photos and staff can add none (an offer withdrawn or
// refused).
func (h *Handler) carPhotosPart(ctx context.Context, s staff.Staff, l hub.Loan, locale string, loc *time.Location, csrf string) (*carPhotosPart, error) {
	t := loanCarPhotoTexts[locale]
	photos, err := h.store.LoanCarPhotos(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	report, err := h.store.LoanReturnReport(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	p := &carPhotosPart{T: t, ID: fmt.Sprintf("loan-%d-car-photos", l.ID), CSRF: csrf,
		UploadURL: fmt.Sprintf("%s/loans/%d/car-photos", threadURL(l.ThreadID), l.ID)}
	if atDesk(s) {
		for _, set := range hub.CarPhotoSets() {
			if hub.StaffMayPhoto(l, set) {
				p.Sets = append(p.Sets, carPhotoOption{Value: set, Label: t["at_"+set]})
			}
		}
		p.CanUpload = len(p.Sets) > 0
	}
	if len(photos) == 0 && !p.CanUpload {
		return nil, nil
	}
	cell := func(set, kind string) carPhotoCell {
		for _, ph := range photos {
			if ph.PhotoSet != set || ph.Kind != kind {
				continue
			}
			who := t["by_customer"]
			if ph.TakenBy == hub.CarPhotoByStaff {
				who = ph.StaffName
			}
			when := who + " · " + templates.DateTime(locale, ph.CreatedAt.In(loc))
			if ph.PurgedAt != nil {
				return carPhotoCell{Purged: t["purged"], Who: when}
			}
			cell := carPhotoCell{URL: loanCarPhotoURL(l.ID, set, kind, ph.ID), Picture: attachment.Picture(ph.ContentType), Who: when}
			cell.Thumb = cell.URL
			if ph.ThumbSHA256 != "" {
				cell.Thumb += "&thumb=1"
			}
			return cell
		}
		return carPhotoCell{}
	}
	for _, kind := range hub.CarPhotoKinds() {
		p.Rows = append(p.Rows, carPhotoRow{Label: t["kind_"+kind], Pickup: cell(hub.CarPhotoPickup, kind), Return: cell(hub.CarPhotoReturn, kind)})
		p.Kinds = append(p.Kinds, carPhotoOption{Value: kind, Label: t["kind_"+kind]})
	}
	if report.ReportedAt != nil && report.FuelEighths != nil && report.OdometerKm != nil {
		p.Reading = fmt.Sprintf(t["reading"], strconv.Itoa(*report.FuelEighths), strconv.Itoa(*report.OdometerKm),
			templates.DateTime(locale, report.ReportedAt.In(loc)))
	}
	if report.Damage && (report.ReportedAt != nil || report.DamageBy != "") {
		p.Damage = t["damage"]
		if report.DamageBy != "" {
			p.Damage = fmt.Sprintf(t["damage_desk"], report.DamageBy)
		}
		if report.DamageNote != "" {
			p.Damage += ": «" + report.DamageNote + "»"
		}
	}
	return p, nil
}

// loanCarPhoto is GET LoanCarPhotoPath: one current car photo of a loan of
// the staff member's branches (another branch's loan is 404), with the
// headers of every stored file (a passive type, sandboxed, never cached).
func (h *Handler) loanCarPhoto(c *fiber.Ctx) error {
	s, _ := staff.Current(c)
	id := idParam(c, "lid")
	if id == 0 || h.media == nil {
		return notFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	p, err := h.store.StaffLoanCarPhoto(ctx, s.BranchIDs, id, c.Params("set"), c.Params("kind"))
	if errors.Is(err, store.ErrNotFound) {
		return notFound(c)
	}
	if err != nil {
		return h.Internal(c, "load car photo", err)
	}
	if p.PurgedAt != nil {
		// Deleted after the branch's retention: the row stays, the file not.
		return c.Status(fiber.StatusGone).SendString("This photo was deleted after the retention period.")
	}
	a := hub.Attachment{ID: p.ID, SHA256: p.SHA256, ContentType: p.ContentType, SizeBytes: p.SizeBytes,
		Name: fmt.Sprintf("loan-%d-%s-%s", id, p.PhotoSet, p.Kind)}
	if c.Query("thumb") != "" && p.ThumbSHA256 != "" {
		// The small JPEG the card draws; the link opens the full one.
		a.SHA256, a.ContentType, a.SizeBytes, a.Name = p.ThumbSHA256, "image/jpeg", -1, a.Name+"-thumb.jpg"
	}
	if err := attachment.Send(c, h.media, a); err != nil {
		return h.Internal(c, "send car photo", err)
	}
	return nil
}

// addLoanCarPhoto is POST LoanCarPhotoUploadPath (fields set, kind,
// photo): a photo staff take at the desk, replacing the kind's photo of
// the set (its file deleted when nothing else names it); the pickup set
// while the loan is offered or out, the return set while it is out or
// returned (hub.StaffMayPhoto). A real photo only (hub.PhotoType: JPEG,
// PNG, WebP, HEIC by content; 415 else), within maxPhotoBytes (413).
// Audited; the card shows the page again with the problem when refused.
func (h *Handler) addLoanCarPhoto(c *fiber.Ctx, s staff.Staff, th hub.Thread, l hub.Loan) error {
	ctx := c.UserContext()
	t := loanCarPhotoTexts[staffpage.Locale(c, loanCarPhotoTexts)]
	refuse := func(status int, key string) error {
		return h.refuseLoan(c, s, th, status, &loanRefusal{LoanID: l.ID, Problem: t[key]})
	}
	if h.media == nil {
		return h.Internal(c, "car photo", errors.New("no media store"))
	}
	set, kind := formField(c, "set"), formField(c, "kind")
	fh, err := c.FormFile("photo")
	if !hub.IsCarPhotoSet(set) || !hub.IsCarPhotoKind(kind) || err != nil || fh.Size == 0 {
		return refuse(fiber.StatusUnprocessableEntity, "err_missing")
	}
	if !hub.StaffMayPhoto(l, set) {
		return refuse(fiber.StatusConflict, "err_set")
	}
	if fh.Size > maxPhotoBytes {
		return refuse(fiber.StatusRequestEntityTooLarge, "err_big")
	}
	f, err := fh.Open()
	if err != nil {
		return h.Internal(c, "open car photo", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPhotoBytes+1))
	f.Close()
	if err != nil {
		return h.Internal(c, "read car photo", err)
	}
	if len(data) > maxPhotoBytes {
		return refuse(fiber.StatusRequestEntityTooLarge, "err_big")
	}
	contentType, pixels := hub.PhotoType(data)
	if contentType == "" {
		return refuse(fiber.StatusUnsupportedMediaType, "err_type")
	}
	if pixels > hub.MaxPhotoPixels {
		return refuse(fiber.StatusRequestEntityTooLarge, "err_big")
	}
	hash, err := h.media.Put(data)
	if err != nil {
		return h.Internal(c, "store car photo", err)
	}
	by := staffpage.DisplayName(s.User)
	thumb, terr := hub.PutCarPhotoThumbnail(h.media, data, contentType)
	if terr != nil {
		h.Log.Warn("inbox loan car photo thumbnail", "loan_id", l.ID, "error", terr)
	}
	p := hub.LoanCarPhoto{LoanID: l.ID, PhotoSet: set, Kind: kind, MediaPath: hash, ContentType: contentType,
		SizeBytes: int64(len(data)), SHA256: hash, TakenBy: hub.CarPhotoByStaff, StaffName: by}
	p.ThumbSHA256 = thumb
	var replaced *hub.LoanCarPhoto
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		now, err := tx.Loan(ctx, l.ID)
		if err != nil {
			return err
		}
		if !hub.StaffMayPhoto(now, set) {
			return errCarPhotoSet
		}
		if replaced, err = tx.PutLoanCarPhoto(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, h.auditEntry(c, s, store.AuditLoanCarPhotoAdded, th, fmt.Sprintf("loan %d car photo %s/%s sha256=%s", l.ID, set, kind, hash)))
	})
	switch {
	case errors.Is(err, errCarPhotoSet):
		h.dropCarPhoto(ctx, hash)
		if thumb != "" {
			h.dropCarPhoto(ctx, thumb)
		}
		return refuse(fiber.StatusConflict, "err_set")
	case errors.Is(err, store.ErrLoanChanged):
		h.dropCarPhoto(ctx, hash)
		if thumb != "" {
			h.dropCarPhoto(ctx, thumb)
		}
		return refuse(fiber.StatusConflict, "err_busy")
	case err != nil:
		h.dropCarPhoto(ctx, hash)
		if thumb != "" {
			h.dropCarPhoto(ctx, thumb)
		}
		return h.Internal(c, "store car photo", err)
	}
	if replaced != nil && replaced.SHA256 != hash {
		h.dropCarPhoto(ctx, replaced.SHA256)
	}
	if replaced != nil && replaced.ThumbSHA256 != "" && replaced.ThumbSHA256 != thumb {
		h.dropCarPhoto(ctx, replaced.ThumbSHA256)
	}
	h.Log.Info("inbox loan car photo", "thread_id", th.ID, "loan_id", l.ID, "set", set, "kind", kind, "user_id", s.User.ID)
	return c.Redirect(fmt.Sprintf("%s#loan-%d-car-photos", threadURL(th.ID), l.ID), fiber.StatusSeeOther)
}

var errCarPhotoSet = errors.New("the loan takes no photos of this set now")

// dropCarPhoto deletes a car photo's file nothing names any more: a
// replaced one, or one whose storing was refused. A failure is logged.
func (h *Handler) dropCarPhoto(ctx context.Context, hash string) {
	unused, err := h.store.MediaUnused(ctx, hash)
	if err == nil && unused {
		err = h.media.Remove(hash)
	}
	if err != nil {
		h.Log.Error("inbox: delete unused car photo", "sha256", hash, "error", err)
	}
}
