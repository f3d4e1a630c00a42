package lockerhub

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// notify queues the customer message key about a work order in its thread,
// in the customer's language, inside tx; code is the locker code it
// carries, if any. It reports whether a message is on its way (false when
// the customer has no number: the message is kept, failed, for staff).
func (s *Service) notify(ctx context.Context, tx *store.Store, texts *templates.Renderer, w hub.WorkOrder, key, code string) (bool, error) {
	t, err := tx.ThreadByWorkOrder(ctx, w.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // a work order the DMS sent always has one; nobody to tell otherwise
	}
	if err != nil {
		return false, err
	}
	d, err := s.messageData(ctx, tx, w, t)
	if err != nil {
		return false, fmt.Errorf("%s for work order %q: %w", key, w.Number, err)
	}
	d.Code = code
	body, err := texts.Render(ctx, w.BranchID, key, d)
	if err != nil {
		return false, err
	}
	m, err := tx.QueueMessage(ctx, store.Outgoing{
		ThreadID: t.ID, Channel: t.Channel, Recipient: t.Phone, Body: body, TemplateKey: key,
	})
	if err != nil {
		return false, err
	}
	return m.Delivery == hub.DeliveryQueued, nil
}

// messageData gathers what a template may show about the work order: the
// same fields the DMS ingest fills for its messages.
func (s *Service) messageData(ctx context.Context, tx *store.Store, w hub.WorkOrder, t hub.Thread) (templates.Data, error) {
	b, err := tx.Branch(ctx, w.BranchID)
	if err != nil {
		return templates.Data{}, err
	}
	d := templates.Data{
		BranchName: b.Name, BranchPhone: b.Phone, WorkOrderNumber: w.Number, Status: w.Status,
		Currency: w.Currency, TotalMinor: w.TotalMinor, Location: s.zones.Of(b), Locale: b.Locale,
	}
	if w.PromisedAt != nil {
		d.PromisedAt = *w.PromisedAt
	}
	l, err := tx.ActiveMagicLink(ctx, t.ID)
	switch {
	case err == nil:
		d.Link = s.links.URL(l.Salt)
	case !errors.Is(err, store.ErrNotFound): // revoked by staff: the message goes without a link
		return templates.Data{}, err
	}
	if w.VehicleID != nil {
		v, err := tx.Vehicle(ctx, *w.VehicleID)
		if err != nil {
			return templates.Data{}, err
		}
		d.Vehicle, d.Plate = v.Title(), v.Plate
	}
	if w.CustomerID != nil {
		c, err := tx.Customer(ctx, *w.CustomerID)
		if err != nil {
			return templates.Data{}, err
		}
		d.CustomerName = c.Name
		if c.Locale != "" {
			d.Locale = c.Locale
		}
	}
	return d, nil
}
