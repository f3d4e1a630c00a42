package dms

import (
	"context"
	"strconv"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// threadLink is a thread with the salt of its live customer link.
type threadLink struct {
	thread hub.Thread
	salt   string
}

// threadFor returns the work order's thread, opening it (with its customer
// link) for a new work order. When the event sent the customer, the
// thread's contact follows it (phone: their first number); otherwise it
// stays.
func (a *applier) threadFor(ctx context.Context, w hub.WorkOrder, exists, contactSent bool, phone string) (threadLink, error) {
	if !exists {
		channel, err := a.channelFor(ctx, w.BranchID, phone)
		if err != nil {
			return threadLink{}, err
		}
		t := hub.Thread{BranchID: w.BranchID, WorkOrderID: &w.ID, CustomerID: w.CustomerID, Phone: phone, Channel: channel}
		if err := a.tx.CreateThread(ctx, &t); err != nil {
			return threadLink{}, err
		}
		return a.newLink(ctx, t)
	}
	t, err := a.tx.ThreadByWorkOrder(ctx, w.ID)
	if err != nil {
		return threadLink{}, err
	}
	if contactSent && (phone != t.Phone || !sameID(w.CustomerID, t.CustomerID)) {
		if err := a.tx.UpdateThreadContact(ctx, t.ID, w.CustomerID, phone); err != nil {
			return threadLink{}, err
		}
		t.CustomerID, t.Phone = w.CustomerID, phone
	}
	return a.linkOf(ctx, t)
}

// linkOf returns the thread's live link; when staff revoked it, the next
// message carries a fresh one.
func (a *applier) linkOf(ctx context.Context, t hub.Thread) (threadLink, error) {
	l, err := a.tx.LiveMagicLink(ctx, t.ID, a.links)
	if err != nil {
		return threadLink{}, err
	}
	return threadLink{thread: t, salt: l.Salt}, nil
}

// newLink gives a new thread its link (nothing to look up first).
func (a *applier) newLink(ctx context.Context, t hub.Thread) (threadLink, error) {
	l, err := a.tx.NewMagicLink(ctx, t.ID, a.links)
	if err != nil {
		return threadLink{}, err
	}
	return threadLink{thread: t, salt: l.Salt}, nil
}

// expireLinks starts the link's lifetime at hand-over (or cancellation) and
// lifts it again when the work order is reopened.
func (a *applier) expireLinks(ctx context.Context, t threadLink, before, after string) error {
	closed := func(s string) bool { return s == hub.StatusDelivered || s == hub.StatusCancelled }
	switch {
	case closed(after) && !closed(before):
		at := a.event.OccurredAt.Add(a.linkTTL)
		return a.tx.ExpireMagicLinks(ctx, t.thread.ID, &at)
	case !closed(after) && closed(before):
		return a.tx.ExpireMagicLinks(ctx, t.thread.ID, nil)
	}
	return nil
}

// notice is what a customer message about a work order is made of.
type notice struct {
	order     hub.WorkOrder
	branch    hub.Branch
	vehicle   hub.Vehicle
	customer  *store.CustomerData
	thread    threadLink
	recipient string
	pending   []hub.WorkOrderLine
	text      string // advisor's words for message.advisor
	document  string // document name for document.ready
	payMinor  int64  // status.ready: the amount to pay online by the link; 0: none
}

// queue renders the template for the customer's language and queues it.
func (a *applier) queue(ctx context.Context, n notice, key string) (err error) {
	_, err = a.queueMessage(ctx, n, key, "")
	return err
}

func (a *applier) queueMessage(ctx context.Context, n notice, key, author string) (hub.Message, error) {
	d := templates.Data{
		BranchName: n.branch.Name, BranchPhone: n.branch.Phone,
		WorkOrderNumber: n.order.Number, Vehicle: n.vehicle.Title(), Plate: n.vehicle.Plate,
		Status: n.order.Status, Link: a.links.URL(n.thread.salt), Text: n.text, DocumentName: n.document,
		Currency: n.order.Currency, TotalMinor: n.order.TotalMinor, PayMinor: n.payMinor,
		Location: a.zones.Of(n.branch), Locale: n.branch.Locale,
	}
	if n.order.PromisedAt != nil {
		d.PromisedAt = *n.order.PromisedAt
	}
	if n.customer != nil {
		d.CustomerName = n.customer.Name
		if n.customer.Locale != "" {
			d.Locale = n.customer.Locale
		}
	}
	for _, l := range n.pending {
		d.Lines = append(d.Lines, templates.Line{Name: l.Name, TotalMinor: l.TotalMinor})
	}
	body, err := a.texts.Render(ctx, n.branch.ID, key, d)
	if err != nil {
		return hub.Message{}, err
	}
	m, err := a.tx.QueueMessage(ctx, store.Outgoing{
		ThreadID: n.thread.thread.ID, Channel: n.thread.thread.Channel, Recipient: n.recipient,
		Body: body, Author: author, TemplateKey: key, Purpose: noticePurpose(key),
	})
	if err == nil && m.Delivery == hub.DeliveryQueued {
		a.queued = true
	}
	return m, err
}

// noticePurpose is the consent a DMS notice needs to go by SMS or
// WhatsApp. The automatic ones (status changes, estimates, documents
// ready) are service messages: a phone that refused those gets them only
// on its page. An advisor's own words are a conversation and always go.
func noticePurpose(key string) string {
	if key == "message.advisor" {
		return ""
	}
	return store.ConsentService
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
