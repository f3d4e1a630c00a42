package loan

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/attachment"
	"naryad/templates"
)

// The car's photos on the customer's page (issue 20): at the pickup (the
// loan ready for its key, or out for less than hub.PickupPhotoWindow) and
// at the return (the car out) a card guides six shots one by one (four
// sides, the fuel gauge, the odometer), each with the camera; at the
// return the customer also gives their reading of the gauge and the
// odometer and may tick that they noticed damage. Photos are evidence for
// both sides, so unlike the identity photos they are shown back. They are
// optional: the key's code never waits for them, the page just asks for
// them first. Once the car is back both sets stay on the page, read only.

// Paths of the car photos. CarPhotoPath takes a photo's body, so app lists
// it with the body gate (one at a time per link, as PhotoPath).
const (
	CarPhotoPath     = "/l/:token/car/photo"
	carPhotoFilePath = "/l/:token/car/photo/:set/:kind"
	carReadingsPath  = "/l/:token/car/reading"
)

// maxKmField bounds the odometer field's bytes: digits and spaces.
const maxKmField = 16

// carPhotosView is one card of car photos: a set to take (CanSend) or,
// after the return, both sets to look at.
type carPhotosView struct {
	T         map[string]string
	Base      string
	CSRF      string
	UploadMax int64
	ID        string // the card's anchor: car-pickup, car-return, car-photos
	Title     string
	Set       string
	Intro     string
	Optional  bool // the pickup's reminder that the key does not wait for them
	Folded    bool // the return card while the pickup is still on: folded under the pickup's
	CanSend   bool
	Count     string
	Photos    []carPhotoView
	Reading   *readingView
	Sets      []carSetView // after the return: both sets, read only
}

// carSetView is one set of a read-only card.
type carSetView struct {
	Title  string
	Photos []carPhotoView
}

// carPhotoView is one of the six shots.
type carPhotoView struct {
	Kind, Label, Hint string
	Received          bool
	Next              bool   // the first shot not taken yet: the one to take now
	URL               string // the photo, when it is a picture a browser shows
	Thumb             string // what the page draws: the thumbnail, else the photo
	ByStaff           bool
}

// readingView is the return's reading form and what was sent.
type readingView struct {
	Fuel    []fuelOption
	Km      string
	Min     string
	Damage  bool
	Note    string
	Sent    string // "received ✓ …" once sent
	Damaged bool   // the reading sent ticks damage
}

type fuelOption struct {
	Value    int
	Label    string
	Selected bool
}

// carPhotoCards are the car photo cards of loan l for the page: the
// pickup's and the return's while they take photos, both sets read only
// once the car is back.
func (h *Handler) carPhotoCards(ctx context.Context, l hub.Loan, t map[string]string, base, csrf string) ([]*carPhotosView, error) {
	now := h.now()
	pickup, ret := hub.CustomerMayPhoto(l, hub.CarPhotoPickup, now), hub.CustomerMayPhoto(l, hub.CarPhotoReturn, now)
	ended := l.State == hub.LoanReturned || l.State == hub.LoanClosed
	if !pickup && !ret && !ended {
		return nil, nil
	}
	photos, err := h.store.LoanCarPhotos(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	card := func(id, title string) *carPhotosView {
		return &carPhotosView{T: t, Base: base, CSRF: csrf, UploadMax: h.uploadMax, ID: id, Title: t[title]}
	}
	if ended {
		if len(photos) == 0 {
			return nil, nil
		}
		c := card("car-photos", "car_photos_h")
		for _, set := range hub.CarPhotoSets() {
			c.Sets = append(c.Sets, carSetView{Title: t["car_at_"+set], Photos: carShots(l, photos, set, t, base)})
		}
		return []*carPhotosView{c}, nil
	}
	var cards []*carPhotosView
	if pickup {
		c := card("car-pickup", "car_pickup_h")
		c.Set, c.Intro, c.Optional, c.CanSend = hub.CarPhotoPickup, t["car_pickup_intro"], l.State == hub.LoanOffered, true
		c.Photos, c.Count = carShots(l, photos, hub.CarPhotoPickup, t, base), ""
		cards = append(cards, c)
	}
	if ret {
		c := card("car-return", "car_return_h")
		c.Set, c.Intro, c.Folded, c.CanSend = hub.CarPhotoReturn, t["car_return_intro"], pickup, true
		c.Photos = carShots(l, photos, hub.CarPhotoReturn, t, base)
		report, err := h.store.LoanReturnReport(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		c.Reading = readingFor(l, report, t)
		cards = append(cards, c)
	}
	for _, c := range cards {
		n := 0
		for _, p := range c.Photos {
			if p.Received {
				n++
			}
		}
		c.Count = fmt.Sprintf(t["car_count"], strconv.Itoa(n))
	}
	return cards, nil
}

// carShots are the six shots of a set, marking what arrived and the next
// one to take.
func carShots(l hub.Loan, photos []hub.LoanCarPhoto, set string, t map[string]string, base string) []carPhotoView {
	out := make([]carPhotoView, 0, len(hub.CarPhotoKinds()))
	next := true
	for _, kind := range hub.CarPhotoKinds() {
		v := carPhotoView{Kind: kind, Label: t["car_"+kind], Hint: t["car_"+kind+"_hint"]}
		for _, p := range photos {
			if p.PhotoSet == set && p.Kind == kind {
				v.Received, v.ByStaff = true, p.TakenBy == hub.CarPhotoByStaff
				if attachment.Picture(p.ContentType) && p.PurgedAt == nil {
					v.URL = fmt.Sprintf("%s/car/photo/%s/%s?v=%d", base, set, kind, p.ID)
					v.Thumb = v.URL
					if p.ThumbSHA256 != "" {
						v.Thumb += "&thumb=1"
					}
				}
			}
		}
		if !v.Received && next {
			v.Next, next = true, false
		}
		out = append(out, v)
	}
	return out
}

// readingFor is the return's reading form: what was sent, else empty
// fields (the customer reads the gauge; nothing is chosen for them).
func readingFor(l hub.Loan, r hub.LoanReturnReport, t map[string]string) *readingView {
	v := &readingView{Min: fmt.Sprintf(t["car_readings_min"], strconv.Itoa(l.OdometerKm))}
	fuel := -1
	if r.ReportedAt != nil && r.FuelEighths != nil && r.OdometerKm != nil {
		fuel, v.Km, v.Damage, v.Note, v.Damaged = *r.FuelEighths, strconv.Itoa(*r.OdometerKm), r.Damage, r.DamageNote, r.Damage
		v.Sent = fmt.Sprintf(t["car_readings_sent"], strconv.Itoa(*r.FuelEighths), strconv.Itoa(*r.OdometerKm))
	}
	for n := 8; n >= 0; n-- {
		label := strconv.Itoa(n) + "/8"
		switch n {
		case 8:
			label += " · " + t["car_full"]
		case 0:
			label += " · " + t["car_empty"]
		}
		v.Fuel = append(v.Fuel, fuelOption{Value: n, Label: label, Selected: n == fuel})
	}
	return v
}

// uploadCarPhoto is POST /l/<token>/car/photo (fields set, kind, photo):
// one shot of the car, a retake replacing the kind's photo of the set and
// deleting the old file when nothing else names it. The photo is checked
// by its content as the identity photos are (a real JPEG, PNG, WebP or
// HEIC; an SVG, a page or a script named .jpg is refused, 415), within the
// upload limit (413). Shots of one loan are stored one at a time.
func (h *Handler) uploadCarPhoto(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		set, kind := c.FormValue("set"), c.FormValue("kind")
		fh := postedFile(c, "photo")
		if !hub.IsCarPhotoSet(set) || !hub.IsCarPhotoKind(kind) || fh == nil {
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "photo_missing", signForm{})
		}
		if !hub.CustomerMayPhoto(v.loan, set, h.now()) {
			return h.refuse(c, v, fiber.StatusConflict, "car_closed", signForm{})
		}
		data, contentType, err := h.readPhoto(fh)
		switch {
		case errors.Is(err, errFileSize):
			return h.refuse(c, v, fiber.StatusRequestEntityTooLarge, "file_too_big", signForm{})
		case errors.Is(err, errFileType):
			return h.refuse(c, v, fiber.StatusUnsupportedMediaType, "file_type", signForm{})
		case err != nil:
			return h.internal(c, "read car photo", err)
		}
		hash, err := h.media.Put(data)
		if err != nil {
			return h.internal(c, "store car photo", err)
		}
		thumb, terr := hub.PutCarPhotoThumbnail(h.media, data, contentType)
		if terr != nil {
			h.log.Warn("loan page: car photo thumbnail", "loan_id", v.loan.ID, "error", terr)
		}
		p := hub.LoanCarPhoto{LoanID: v.loan.ID, PhotoSet: set, Kind: kind, MediaPath: hash, ContentType: contentType,
			SizeBytes: int64(len(data)), SHA256: hash, TakenBy: hub.CarPhotoByCustomer}
		p.ThumbSHA256 = thumb
		var replaced *hub.LoanCarPhoto
		err = h.store.Tx(ctx, func(tx *store.Store) error {
			// The loan as it is now: the key may have come back meanwhile.
			l, err := tx.Loan(ctx, v.loan.ID)
			if err != nil {
				return err
			}
			if !hub.CustomerMayPhoto(l, set, h.now()) {
				return errCarPhotoClosed
			}
			replaced, err = tx.PutLoanCarPhoto(ctx, &p)
			return err
		})
		switch {
		case errors.Is(err, errCarPhotoClosed):
			h.dropCarPhoto(ctx, hash)
			if thumb != "" {
				h.dropCarPhoto(ctx, thumb)
			}
			return h.refuse(c, v, fiber.StatusConflict, "car_closed", signForm{})
		case errors.Is(err, store.ErrLoanChanged):
			h.dropCarPhoto(ctx, hash)
			if thumb != "" {
				h.dropCarPhoto(ctx, thumb)
			}
			return h.refuse(c, v, fiber.StatusConflict, "busy", signForm{})
		case err != nil:
			h.dropCarPhoto(ctx, hash)
			if thumb != "" {
				h.dropCarPhoto(ctx, thumb)
			}
			return h.internal(c, "store car photo", err)
		}
		if replaced != nil && replaced.SHA256 != hash {
			h.dropCarPhoto(ctx, replaced.SHA256)
		}
		if replaced != nil && replaced.ThumbSHA256 != "" && replaced.ThumbSHA256 != thumb {
			h.dropCarPhoto(ctx, replaced.ThumbSHA256)
		}
		return c.Redirect(v.base+"?ok=photo_ok#car-"+set, fiber.StatusSeeOther)
	})
}

var errCarPhotoClosed = errors.New("the car photos of this set are closed")

// dropCarPhoto deletes a car photo's file nothing names any more: a
// replaced shot, or one whose storing was refused. A failure is logged.
func (h *Handler) dropCarPhoto(ctx context.Context, hash string) {
	unused, err := h.store.MediaUnused(ctx, hash)
	if err == nil && unused {
		err = h.media.Remove(hash)
	}
	if err != nil {
		h.log.Error("loan page: delete unused car photo", "sha256", hash, "error", err)
	}
}

// carPhoto is GET /l/<token>/car/photo/<set>/<kind>: the loan's current
// photo, with the headers of every stored file (attachment.Headers: a
// passive type, sandboxed, never cached). Only a picture a browser draws
// is linked from the page; the route answers any kind it has.
func (h *Handler) carPhoto(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		p, err := h.store.LoanCarPhoto(ctx, v.loan.ID, c.Params("set"), c.Params("kind"))
		if errors.Is(err, store.ErrNotFound) {
			return h.notFound(c)
		}
		if err != nil {
			return h.internal(c, "load car photo", err)
		}
		if p.PurgedAt != nil {
			// Deleted after the branch's retention: the row stays, the file not.
			return c.Status(fiber.StatusGone).SendString("This photo was deleted after the retention period.")
		}
		a := hub.Attachment{ID: p.ID, SHA256: p.SHA256, ContentType: p.ContentType, SizeBytes: p.SizeBytes,
			Name: fmt.Sprintf("car-%s-%s", p.PhotoSet, p.Kind)}
		if c.Query("thumb") != "" && p.ThumbSHA256 != "" {
			// The small JPEG the page draws; the link opens the full one.
			a.SHA256, a.ContentType, a.SizeBytes, a.Name = p.ThumbSHA256, "image/jpeg", -1, a.Name+"-thumb.jpg"
		}
		if err := attachment.Send(c, h.media, a); err != nil {
			return h.internal(c, "send car photo", err)
		}
		return nil
	})
}

// returnReading is POST /l/<token>/car/reading (fields fuel, odometer,
// damage, note): the customer's reading at the return, while the car is
// out; sending it again replaces it. Staff read it in the thread. A
// reading that cannot be (fuel outside 0–8, an odometer below the
// handover's, a note too long) is refused (422) and nothing is kept; once
// the key is back, 409.
func (h *Handler) returnReading(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		if !h.checkForm(c, v) {
			return h.formExpired(c, v)
		}
		l := v.loan
		if l.State != hub.LoanOut {
			return h.refuse(c, v, fiber.StatusConflict, "car_readings_closed", signForm{})
		}
		fuel, err := strconv.Atoi(c.FormValue("fuel"))
		if err != nil || fuel < 0 || fuel > 8 {
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "car_fuel_bad", signForm{})
		}
		km, ok := parseKm(c.FormValue("odometer"))
		if !ok || km < l.OdometerKm || km > hub.MaxOdometerKm {
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "car_km_bad", signForm{})
		}
		damage, rawNote := c.FormValue("damage") == "yes", c.FormValue("note")
		note := strings.Join(strings.Fields(rawNote), " ")
		if !utf8.ValidString(rawNote) || len(rawNote) > 4*hub.MaxDamageNote || utf8.RuneCountInString(note) > hub.MaxDamageNote ||
			strings.ContainsRune(rawNote, 0) {
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "car_note_bad", signForm{})
		}
		car, err := h.store.CourtesyCar(ctx, l.BranchID, l.CarID)
		if err != nil {
			return h.internal(c, "load car", err)
		}
		r := hub.LoanReturnReport{LoanID: l.ID, FuelEighths: &fuel, OdometerKm: &km, Damage: damage, DamageNote: note}
		err = h.store.Tx(ctx, func(tx *store.Store) error {
			if _, err := tx.ReportLoanReturn(ctx, r); err != nil {
				return err
			}
			args := map[string]string{"plate": car.Plate, "fuel": strconv.Itoa(fuel), "km": strconv.Itoa(km)}
			if damage {
				args["damage_key"], args["note"] = templates.SysLoanDamageNoted, note
			}
			line := hub.SystemLine(l.ThreadID, "naryad", templates.SysLoanReturnReported, args)
			return tx.AddMessage(ctx, &line)
		})
		switch {
		case errors.Is(err, store.ErrLoanMove):
			return h.refuse(c, v, fiber.StatusConflict, "car_readings_closed", signForm{})
		case errors.Is(err, store.ErrReturnReading):
			return h.refuse(c, v, fiber.StatusUnprocessableEntity, "car_km_bad", signForm{})
		case err != nil:
			return h.internal(c, "store return reading", err)
		}
		return c.Redirect(v.base+"?ok=car_readings_ok#car-return", fiber.StatusSeeOther)
	})
}

// parseKm reads whole kilometres as people type them ("12 345").
func parseKm(s string) (int, bool) {
	if len(s) > maxKmField {
		return 0, false
	}
	digits := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	if digits == "" || len(digits) > 9 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	km, err := strconv.Atoi(digits)
	return km, err == nil
}
