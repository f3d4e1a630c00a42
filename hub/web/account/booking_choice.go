package account

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
)

// The booking wizard keeps its state in the URL: each step is a GET form
// carrying the earlier steps' answers as hidden fields, so every step is
// a page of its own that works without JavaScript, survives a reload and
// can be linked to (a reminder's "book" link names the branch and car).

// The steps, in order; the page shows the first one not yet answered.
const (
	stepBranch = iota
	stepVehicle
	stepServices
	stepSlot
	stepConfirm
)

// stepNames are the views' names of the steps (booking.html switches on them).
var stepNames = []string{"branch", "vehicle", "services", "slot", "confirm"}

// Form fields of the wizard.
const (
	fBranch   = "branch"
	fVehicle  = "vehicle" // a garage car's id, or otherCar
	fMake     = "make"
	fModel    = "model"
	fPlate    = "plate"
	fService  = "svc" // repeated: catalogue codes
	fNote     = "note"
	fServDone = "sd" // the services step was submitted
	fMonth    = "month"
	fDay      = "day"
	fAt       = "at" // the slot's start on the branch's clock, slotLayout
	fKey      = "request_key"
	otherCar  = "other"
)

// slotLayout writes a slot start on the branch's clock in a form.
const slotLayout = "2006-01-02T15:04"

// Limits of the "another car" fields, each; the store bounds the whole.
const maxCarField = 60

// bookingChoice is what the visitor has answered so far, as read from a
// request (query or form).
type bookingChoice struct {
	BranchCode         string
	Vehicle            string // id, otherCar or ""
	Make, Model, Plate string
	Services           []string
	Note               string
	ServicesDone       bool
	Month, Day, At     string
}

// readChoice reads the answers; get returns every value of a field.
func readChoice(get func(field string) []string) bookingChoice {
	one := func(f string) string {
		if v := get(f); len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	c := bookingChoice{BranchCode: one(fBranch), Vehicle: one(fVehicle), Make: one(fMake), Model: one(fModel),
		Plate: one(fPlate), Note: one(fNote), ServicesDone: one(fServDone) != "", Month: one(fMonth), Day: one(fDay), At: one(fAt)}
	for _, code := range get(fService) {
		if code = strings.TrimSpace(code); code != "" && !slices.Contains(c.Services, code) {
			c.Services = append(c.Services, code)
		}
	}
	return c
}

// values are the answers of the steps before step, to carry on as hidden
// fields or in a link.
func (c bookingChoice) values(step int) url.Values {
	v := url.Values{}
	if step > stepBranch && c.BranchCode != "" {
		v.Set(fBranch, c.BranchCode)
	}
	if step > stepVehicle && c.Vehicle != "" {
		v.Set(fVehicle, c.Vehicle)
		if c.Vehicle == otherCar {
			v.Set(fMake, c.Make)
			v.Set(fModel, c.Model)
			v.Set(fPlate, c.Plate)
		}
	}
	if step > stepServices {
		v[fService] = slices.Clone(c.Services)
		v.Set(fNote, c.Note)
		v.Set(fServDone, "1")
	}
	if step > stepSlot && c.At != "" {
		v.Set(fAt, c.At)
	}
	return v
}

// link is the wizard's address with the answers of the steps before step
// and extra fields.
func (c bookingChoice) link(step int, extra ...string) string {
	v := c.values(step)
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return bookPath
	}
	return bookPath + "?" + v.Encode()
}

// vehicleID is the chosen garage car's id, 0 when none.
func (c bookingChoice) vehicleID() int64 {
	id, err := strconv.ParseInt(c.Vehicle, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// carText is the "another car" in words.
func (c bookingChoice) carText() string {
	return strings.Join(strings.Fields(strings.Join([]string{c.Make, c.Model, c.Plate}, " ")), " ")
}

// carProblem is the text key of what is wrong with "another car", "" when
// nothing.
func (c bookingChoice) carProblem() string {
	for _, f := range []string{c.Make, c.Model, c.Plate} {
		if utf8.RuneCountInString(f) > maxCarField {
			return "bk_err_too_long"
		}
	}
	if c.carText() == "" {
		return "bk_err_car"
	}
	return ""
}

// slotStart reads the chosen slot on the branch's clock; ok false when
// there is none or it does not parse.
func (c bookingChoice) slotStart(loc *time.Location) (time.Time, bool) {
	if c.At == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(slotLayout, c.At, loc)
	return t, err == nil
}

// bookingKind is the kind of service a booking counts against, from the
// chosen services: their one kind; with several, the first in
// hub.BookingKinds order (a maintenance visit with tyres thrown in is a
// maintenance visit); with none (a note only), "other" when the branch
// books it, else the first kind it books.
func bookingKind(chosen []hub.Service, branchKinds []string) string {
	for _, k := range hub.BookingKinds() {
		for _, s := range chosen {
			if s.Kind == k {
				return k
			}
		}
	}
	if slices.Contains(branchKinds, hub.KindOther) || len(branchKinds) == 0 {
		return hub.KindOther
	}
	return branchKinds[0]
}
