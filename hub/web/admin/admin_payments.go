package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// Payments is what the branch payment settings page needs from online
// payments (package payments; app passes it in). Leave Options.Payments
// nil when there is none: the page then shows the settings read-only.
type Payments interface {
	// Configure checks the settings for the provider, seals the secrets,
	// keeps a stored secret when the new one is empty, and picks the
	// branch's webhook key once.
	Configure(ctx context.Context, branchID int64, s hub.PaymentSetup) error
	// Disable turns the branch's online payments off.
	Disable(ctx context.Context, branchID int64) error
	// WebhookURL is the address to paste into the provider's dashboard.
	WebhookURL(ctx context.Context, branchID int64) (string, error)
}

// paymentsTimeout bounds a change: the service may ask the provider.
const paymentsTimeout = 30 * time.Second

// payView is what payments.html shows.
type payView struct {
	On         bool // the payments service runs in this process: changes are possible
	Branch     hub.Branch
	Current    *hub.BranchPayment // nil: online payments are off
	WebhookURL string
	Form       payForm
}

// payForm is the form's fields (never the secrets: they are not shown
// again, only whether one is stored).
type payForm struct {
	Provider, Account, Methods, VATCode, TaxSystem string
}

// paymentsPath is the branch's payment settings page.
func paymentsPath(branchID int64) string { return fmt.Sprintf("/admin/branches/%d/payments", branchID) }

// branchParam loads the branch named by the route's :id. When ok is false
// the request has been answered (404, or 500) and err is that answer's.
func (h *Handler) branchParam(c *fiber.Ctx) (b hub.Branch, ok bool, err error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err == nil && id > 0 {
		b, err = h.store.Branch(c.UserContext(), id)
	} else {
		err = store.ErrNotFound
	}
	switch {
	case err == nil:
		return b, true, nil
	case errors.Is(err, store.ErrNotFound):
		return b, false, c.Status(fiber.StatusNotFound).SendString(words(c)["err_no_branch"])
	default:
		return b, false, h.Internal(c, "load branch", err)
	}
}

// paymentsView loads the branch's settings and, when they exist and the
// service runs, its webhook address.
func (h *Handler) paymentsView(ctx context.Context, b hub.Branch) (payView, error) {
	v := payView{On: h.payments != nil, Branch: b, Form: payForm{Provider: "off"}}
	bp, err := h.store.BranchPayment(ctx, b.ID)
	if errors.Is(err, store.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Current = &bp
	v.Form = payForm{Provider: bp.Provider, Account: bp.Account, Methods: bp.Methods,
		VATCode: strconv.Itoa(bp.VATCode), TaxSystem: strconv.Itoa(bp.TaxSystem)}
	if h.payments != nil {
		if v.WebhookURL, err = h.payments.WebhookURL(ctx, b.ID); err != nil {
			return v, fmt.Errorf("webhook address: %w", err)
		}
	}
	return v, nil
}

// paymentsShow is GET /admin/branches/:id/payments.
func (h *Handler) paymentsShow(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	v, err := h.paymentsView(c.UserContext(), b)
	if err != nil {
		return h.Internal(c, "payment settings", err)
	}
	return h.Render(c, fiber.StatusOK, "payments.html", h.newPage(c, v))
}

// refusePayments shows the page again with a problem and the form as
// typed; nothing was changed.
func (h *Handler) refusePayments(c *fiber.Ctx, b hub.Branch, form *payForm, status int, problem string) error {
	v, err := h.paymentsView(c.UserContext(), b)
	if err != nil {
		return h.Internal(c, "payment settings", err)
	}
	if form != nil {
		v.Form = *form
	}
	p := h.newPage(c, v)
	p.Error = problem
	return h.Render(c, status, "payments.html", p)
}

// paymentsSave is POST /admin/branches/:id/payments: provider "off" turns
// online payments off; stripe or yookassa with the account, secrets,
// methods, VAT code and tax system sets them. An empty secret keeps the
// stored one. Audited, never with a secret.
func (h *Handler) paymentsSave(c *fiber.Ctx) error {
	b, ok, err := h.branchParam(c)
	if !ok {
		return err
	}
	if h.payments == nil {
		return h.refusePayments(c, b, nil, fiber.StatusBadRequest, refusals(c)["pay_off"])
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), paymentsTimeout)
	defer cancel()
	form := payForm{Provider: c.FormValue("provider"), Account: strings.TrimSpace(c.FormValue("account")),
		Methods: strings.TrimSpace(c.FormValue("methods")), VATCode: strings.TrimSpace(c.FormValue("vat-code")),
		TaxSystem: strings.TrimSpace(c.FormValue("tax-system"))}
	if form.Provider == "off" {
		return h.paymentsOff(ctx, c, b)
	}
	r := refusals(c)
	var problems []string
	if form.Provider != hub.ProviderStripe && form.Provider != hub.ProviderYooKassa {
		problems = append(problems, r["pay_provider"])
	}
	vat, err := wholeNumber(form.VATCode)
	if err != nil {
		problems = append(problems, r["pay_vat"])
	}
	tax, err := wholeNumber(form.TaxSystem)
	if err != nil {
		problems = append(problems, r["pay_tax"])
	}
	if len(problems) > 0 {
		return h.refusePayments(c, b, &form, fiber.StatusBadRequest, r["pay_not_saved"]+"\n"+strings.Join(problems, "\n"))
	}
	setup := hub.PaymentSetup{Provider: form.Provider, Account: form.Account, Methods: form.Methods, VATCode: vat, TaxSystem: tax,
		SecretKey: strings.TrimSpace(c.FormValue("secret-key")), WebhookSecret: strings.TrimSpace(c.FormValue("webhook-secret"))}
	if err := h.payments.Configure(ctx, b.ID, setup); err != nil {
		return h.paymentsFailed(c, b, &form, "configure payments", err)
	}
	detail := fmt.Sprintf("payments_set provider=%s account=%q methods=%q vat_code=%d tax_system=%d secret_key=%s webhook_secret=%s",
		setup.Provider, setup.Account, setup.Methods, setup.VATCode, setup.TaxSystem, newOrKept(setup.SecretKey), newOrKept(setup.WebhookSecret))
	if err := staffpage.Audit(ctx, c, h.store, store.AuditAdminChanged, "branch "+b.Code, detail); err != nil {
		return h.Internal(c, "audit payment settings", err)
	}
	h.Log.Info("admin payment settings saved", "branch", b.Code, "provider", setup.Provider)
	return c.Redirect(paymentsPath(b.ID)+"?done=payments", fiber.StatusSeeOther)
}

// paymentsOff turns a branch's online payments off (nothing to do when
// they are off already).
func (h *Handler) paymentsOff(ctx context.Context, c *fiber.Ctx, b hub.Branch) error {
	if _, err := h.store.BranchPayment(ctx, b.ID); errors.Is(err, store.ErrNotFound) {
		return c.Redirect(paymentsPath(b.ID)+"?done=payments-off", fiber.StatusSeeOther)
	} else if err != nil {
		return h.Internal(c, "payment settings", err)
	}
	if err := h.payments.Disable(ctx, b.ID); err != nil {
		return h.paymentsFailed(c, b, nil, "disable payments", err)
	}
	if err := staffpage.Audit(ctx, c, h.store, store.AuditAdminChanged, "branch "+b.Code, "payments_off"); err != nil {
		return h.Internal(c, "audit payment settings", err)
	}
	h.Log.Info("admin payments turned off", "branch", b.Code)
	return c.Redirect(paymentsPath(b.ID)+"?done=payments-off", fiber.StatusSeeOther)
}

// paymentsFailed shows the service's refusal (a bad key, a VAT code
// YooKassa does not know) in the admin's language, and anything else in
// general words.
func (h *Handler) paymentsFailed(c *fiber.Ctx, b hub.Branch, form *payForm, what string, err error) error {
	locale := staffpage.Locale(c, payRefusalTexts)
	if msg, ok := staffpage.UserMessageIn(err, locale, payRefusalTexts[locale]); ok {
		return h.refusePayments(c, b, form, fiber.StatusBadRequest, msg)
	}
	h.Log.Error("admin "+what, "branch", b.Code, "error", err)
	return h.refusePayments(c, b, form, fiber.StatusInternalServerError, refusals(c)["pay_failed"])
}

// wholeNumber reads a form's non-negative whole number; empty is 0.
func wholeNumber(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1000 {
		return 0, errors.New("not a whole number")
	}
	return n, nil
}

// newOrKept says in the audit log whether a secret was typed, never what.
func newOrKept(secret string) string {
	if secret == "" {
		return "kept"
	}
	return "new"
}
