package inbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"naryad/hub"
	"naryad/templates"
)

// pickerOption is one template of the composer's picker: its key (the
// form value), its name in the advisor's language and its text as it
// would be sent in this thread (the preview).
type pickerOption struct {
	Key, Name, Preview string
}

// pickerOptions renders every reply template for the thread, named in the
// advisor's locale; a template that fails to render is listed without a
// preview rather than hiding the others.
func (h *Handler) pickerOptions(ctx context.Context, th hub.Thread, branch hub.Branch, locale string) ([]pickerOption, error) {
	d, err := h.templateData(ctx, th, branch)
	if err != nil {
		return nil, err
	}
	keys := templates.ReplyKeys()
	out := make([]pickerOption, len(keys))
	for i, k := range keys {
		out[i] = pickerOption{Key: k, Name: cmp.Or(texts[locale]["tpl_"+k], k)}
		if text, err := h.texts.Render(ctx, branch.ID, k, d); err == nil {
			out[i].Preview = text
		} else {
			h.Log.Warn("inbox template preview", "thread_id", th.ID, "template", k, "error", err)
		}
	}
	return out, nil
}

// draft renders a message template for the thread — the composer's
// template picker (GET …?template=<key>) — so replies keep the branch's
// wording. The link is left out: every reply carries the customer's link.
func (h *Handler) draft(ctx context.Context, th hub.Thread, branch hub.Branch, key string) (string, error) {
	if h.texts == nil || !slices.Contains(templates.ReplyKeys(), key) {
		return "", nil
	}
	d, err := h.templateData(ctx, th, branch)
	if err != nil {
		return "", err
	}
	text, err := h.texts.Render(ctx, branch.ID, key, d)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", key, err)
	}
	return text, nil
}

// templateData is what a template may say about the thread: the customer,
// the work order with the total the customer's page shows, the car.
func (h *Handler) templateData(ctx context.Context, th hub.Thread, branch hub.Branch) (templates.Data, error) {
	d := templates.Data{BranchName: branch.Name, BranchPhone: branch.Phone, Locale: branch.Locale, Location: branch.Location()}
	if th.CustomerID != nil {
		c, err := h.store.Customer(ctx, *th.CustomerID)
		if err != nil {
			return d, err
		}
		d.CustomerName = c.Name
		if c.Locale != "" {
			d.Locale = c.Locale
		}
	}
	if th.WorkOrderID != nil {
		w, err := h.store.WorkOrder(ctx, *th.WorkOrderID)
		if err != nil {
			return d, err
		}
		lines, err := h.store.Lines(ctx, w.ID)
		if err != nil {
			return d, err
		}
		// The total the customer's page shows, so the reply quotes it.
		d.WorkOrderNumber, d.Status, d.Currency = w.Number, w.Status, w.Currency
		d.TotalMinor, _ = hub.CustomerTotal(w, lines, nil)
		if w.PromisedAt != nil {
			d.PromisedAt = *w.PromisedAt
		}
		if w.VehicleID != nil {
			v, err := h.store.Vehicle(ctx, *w.VehicleID)
			if err != nil {
				return d, err
			}
			d.Vehicle, d.Plate = v.Title(), v.Plate
		}
	}
	if d.Currency == "" {
		d.Currency = "EUR" // a lead has no order: any valid currency renders
	}
	return d, nil
}
