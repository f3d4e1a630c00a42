package payments

import (
	"context"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// notify queues the customer message key about a work order in its thread,
// in the customer's language and with the branch's own text, inside tx:
// the same fields the DMS ingest and the key locker fill, plus what fill
// adds (the amount). The message carries the thread's live link (a new
// one when staff revoked it: the customer pays on that page). It reports
// whether a message is on its way (false when the customer has no number:
// the message is kept, failed, for staff).
func (s *Service) notify(ctx context.Context, tx *store.Store, t hub.Thread, w hub.WorkOrder, key string, fill func(*templates.Data)) (bool, error) {
	b, err := tx.Branch(ctx, w.BranchID)
	if err != nil {
		return false, err
	}
	d := templates.Data{
		BranchName: b.Name, BranchPhone: b.Phone, WorkOrderNumber: w.Number, Status: w.Status,
		Currency: w.Currency, TotalMinor: w.TotalMinor, Location: s.zones.Of(b), Locale: b.Locale,
	}
	if w.PromisedAt != nil {
		d.PromisedAt = *w.PromisedAt
	}
	l, err := tx.LiveMagicLink(ctx, t.ID, s.links)
	if err != nil {
		return false, err
	}
	d.Link = s.links.URL(l.Salt)
	if w.VehicleID != nil {
		v, err := tx.Vehicle(ctx, *w.VehicleID)
		if err != nil {
			return false, err
		}
		d.Vehicle, d.Plate = v.Title(), v.Plate
	}
	if w.CustomerID != nil {
		c, err := tx.Customer(ctx, *w.CustomerID)
		if err != nil {
			return false, err
		}
		d.CustomerName = c.Name
		if c.Locale != "" {
			d.Locale = c.Locale
		}
	}
	fill(&d)
	body, err := s.texts.WithOverrides(tx).Render(ctx, w.BranchID, key, d)
	if err != nil {
		return false, fmt.Errorf("%s for work order %q: %w", key, w.Number, err)
	}
	m, err := tx.QueueMessage(ctx, store.Outgoing{ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: key})
	if err != nil {
		return false, err
	}
	return m.Delivery == hub.DeliveryQueued, nil
}
