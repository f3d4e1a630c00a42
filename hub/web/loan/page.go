package loan

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/templates"
)

// pageView is everything page.html shows. The sections of a step are nil
// when the loan is past them or never had them (no deposit asked).
type pageView struct {
	T         map[string]string
	Locale    string
	Base      string
	CSRF      string
	Branch    branchView
	Car       string // the car's model and plate
	Steps     []stepView
	Flash     string
	Error     string
	Final     *finalView
	Identity  *identityView
	Agreement *agreementView
	Deposit   *depositView
	Key       *keyView
	Return    *returnView
	UploadMax int64
	// IdentityPoll is how often (ms) the page asks whether the online
	// check being processed is over.
	IdentityPoll int
	CarPhotos    []*carPhotosView // the car's photos (carphotos.go), before the key and the return
}

type branchView struct{ Name, Phone, Address string }

// stepView is one step of the bar: done, waiting (the customer's part is
// done, someone else's is not), current (the first the customer has to
// do) or todo.
type stepView struct{ Name, State string }

type finalView struct{ Title, Text, Deposit string }

// flashes are the outcomes a redirect may report (?ok=), keyed to page
// texts, so no visitor-supplied text is ever echoed.
var flashes = map[string]bool{"photo_ok": true, "photos_done": true, "signed": true, "car_readings_ok": true, "identity_moved": true}

// page is GET /l/<token>: the loan as it stands, with the next thing to
// do.
func (h *Handler) page(c *fiber.Ctx) error {
	return h.withVisit(c, func(ctx context.Context, v visit) error {
		session, err := h.ensureSession(c, v)
		if err != nil {
			return h.internal(c, "session", err)
		}
		v.loan = h.refreshIdentity(ctx, v.loan)
		view, err := h.pageView(ctx, v, session, signForm{})
		if err != nil {
			return h.internal(c, "load page", err)
		}
		if key := c.Query("ok"); flashes[key] {
			view.Flash = view.T[key]
		}
		if key := c.Query("err"); key == "file_too_big" {
			view.Error = view.T[key]
		}
		return h.render(c, fiber.StatusOK, "page.html", view)
	})
}

// refuse shows the page again with why a form was refused (status 4xx),
// keeping what the customer typed into the signing form.
func (h *Handler) refuse(c *fiber.Ctx, v visit, status int, key string, form signForm) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 20*time.Second)
	defer cancel()
	// The loan as it is now: the refusal may be that it changed.
	if l, err := h.store.Loan(ctx, v.loan.ID); err == nil {
		v.loan = l
	}
	session, err := h.ensureSession(c, v)
	if err != nil {
		return h.internal(c, "session", err)
	}
	view, err := h.pageView(ctx, v, session, form)
	if err != nil {
		return h.internal(c, "load page", err)
	}
	view.Error = view.T[key]
	return h.render(c, status, "page.html", view)
}

func (h *Handler) pageView(ctx context.Context, v visit, session string, form signForm) (pageView, error) {
	l := v.loan
	locale := loanLocale(l.Locale)
	t := texts[locale]
	d, err := h.loadAgreement(ctx, l)
	if err != nil {
		return pageView{}, err
	}
	view := pageView{T: t, Locale: locale, Base: v.base, CSRF: h.csrfToken(session), UploadMax: h.uploadMax, IdentityPoll: IdentityStatusPoll,
		Branch: branchView{Name: d.branch.Name, Phone: d.branch.Phone, Address: d.address},
		Car:    joinNonEmpty(" · ", d.car.Model, d.car.Plate)}
	if view.CarPhotos, err = h.carPhotoCards(ctx, l, t, v.base, view.CSRF); err != nil {
		return view, err
	}
	if hub.LoanEnded(l.State) {
		view.Final = finalFor(l, t, locale)
		return view, nil
	}
	if view.Identity, err = h.identityView(ctx, l, t); err != nil {
		return view, err
	}
	view.Agreement = agreementFor(v, d, locale, form)
	if view.Deposit, err = h.depositView(ctx, l, locale); err != nil {
		return view, err
	}
	switch l.State {
	case hub.LoanOffered:
		view.Key = h.keyView(ctx, l, locale, d.zone)
	case hub.LoanOut:
		view.Return = h.returnView(ctx, l, locale, d.zone)
	}
	view.Steps = steps(l, t)
	return view, nil
}

// steps is the step bar: identity → agreement → (deposit) → key → return.
func steps(l hub.Loan, t map[string]string) []stepView {
	state := func(done, waiting bool) string {
		switch {
		case done:
			return "done"
		case waiting:
			return "waiting"
		}
		return "todo"
	}
	out := hub.LoanOut == l.State || hub.LoanEnded(l.State)
	identityDone := l.IdentityStatus == hub.IdentityVerified || out
	s := []stepView{
		{t["step_identity"], state(identityDone, l.IdentityStatus == hub.IdentitySubmitted || l.IdentityStatus == hub.IdentityProcessing)},
		{t["step_agreement"], state(l.Signed(), false)},
	}
	if l.DepositStatus != hub.DepositNone {
		held := l.DepositStatus != hub.DepositRequired && l.DepositStatus != hub.DepositFailed
		s = append(s, stepView{t["step_deposit"], state(held || out, false)})
	}
	s = append(s,
		stepView{t["step_key"], state(out, false)},
		stepView{t["step_return"], state(l.State == hub.LoanReturned || l.State == hub.LoanClosed, false)})
	for i := range s {
		if s[i].State == "todo" {
			s[i].State = "current"
			break
		}
	}
	return s
}

// finalFor is the end of a loan as the customer reads it.
func finalFor(l hub.Loan, t map[string]string, locale string) *finalView {
	f := &finalView{Title: t["final_returned_h"], Text: t["final_returned"]}
	switch l.State {
	case hub.LoanWithdrawn:
		f.Title, f.Text = t["final_withdrawn_h"], t["final_withdrawn"]
	case hub.LoanRefused:
		f.Title, f.Text = t["final_refused_h"], t["final_refused"]
	}
	switch l.DepositStatus {
	case hub.DepositCaptured:
		f.Deposit = t["deposit_captured"]
	case hub.DepositReleased:
		f.Deposit = t["deposit_released"]
	case hub.DepositDeskReturned:
		f.Deposit = t["deposit_desk_returned"]
	case hub.DepositDeskKept:
		f.Deposit = sprintf(t["deposit_desk_kept"], templates.MoneyText(locale, l.DepositKeptMinor, l.DepositCurrency))
	}
	return f
}

// when is a time in the branch's zone as the customer writes it.
func when(locale string, zone *time.Location, at time.Time) string {
	return templates.DateTime(locale, at.In(zone))
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// sprintf fills a text's one blank.
func sprintf(text string, arg string) string { return fmt.Sprintf(text, arg) }
