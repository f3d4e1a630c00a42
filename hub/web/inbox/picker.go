package inbox

import (
	"context"
	"fmt"
	"slices"

	"naryad/hub"
	"naryad/templates"
)

// draft renders a message template for the thread — the composer's
// template picker (GET …?template=<key>) — so replies keep the branch's
// wording. The link is left out: every reply carries the customer's link.
func (h *Handler) draft(ctx context.Context, th hub.Thread, branch hub.Branch, key string) (string, error) {
	if h.texts == nil || !slices.Contains(templates.ReplyKeys(), key) {
		return "", nil
	}
	d := templates.Data{BranchName: branch.Name, BranchPhone: branch.Phone, Locale: branch.Locale, Location: branch.Location()}
	if th.CustomerID != nil {
		c, err := h.store.Customer(ctx, *th.CustomerID)
		if err != nil {
			return "", err
		}
		d.CustomerName = c.Name
		if c.Locale != "" {
			d.Locale = c.Locale
		}
	}
	if th.WorkOrderID != nil {
		w, err := h.store.WorkOrder(ctx, *th.WorkOrderID)
		if err != nil {
			return "", err
		}
		lines, err := h.store.Lines(ctx, w.ID)
		if err != nil {
			return "", err
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
				return "", err
			}
			d.Vehicle, d.Plate = v.Title(), v.Plate
		}
	}
	if d.Currency == "" {
		d.Currency = "EUR" // a lead has no order: any valid currency renders
	}
	text, err := h.texts.Render(ctx, branch.ID, key, d)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", key, err)
	}
	return text, nil
}
