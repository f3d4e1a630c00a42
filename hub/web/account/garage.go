package account

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/store"
	"naryad/hub/web/attachment"
)

// garageTimeout bounds the store work of one garage page.
const garageTimeout = 10 * time.Second

// registerGarage adds the garage (the account's home), each car's
// history, a work order read-only and the documents' file route. Every
// one reads only what the visitor's verified phones see: the store scopes
// each query, and anything else is a 404 that says nothing of whether it
// exists.
func (h *Handler) registerGarage(in fiber.Router) {
	in.Get("/", h.garagePage)
	in.Get("/cars/:id", h.carPage)
	in.Get("/orders/:id", h.orderPage)
	in.Get("/files/:id", h.garageFile)
}

// garagePage is GET /account: a card per car.
func (h *Handler) garagePage(c *fiber.Ctx) error {
	v := h.current(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), garageTimeout)
	defer cancel()
	cars, err := h.store.Garage(ctx, v.Phones)
	if err != nil {
		return h.internal(c, "garage", err)
	}
	data := garageView{Phones: v.Phones}
	for _, car := range cars {
		data.Cars = append(data.Cars, h.carCard(v.Locale, car))
	}
	return h.render(c, fiber.StatusOK, "garage.html", v.Locale, "g_garage_title", data)
}

// carPage is GET /account/cars/:id, the car's history across the network.
func (h *Handler) carPage(c *fiber.Ctx) error {
	v := h.current(c)
	id, ok := pathID(c)
	if !ok {
		return h.garageNotFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), garageTimeout)
	defer cancel()
	hist, err := h.store.VehicleHistory(ctx, v.Phones, id)
	if errors.Is(err, store.ErrNotFound) {
		return h.garageNotFound(c)
	}
	if err != nil {
		return h.internal(c, "car history", err)
	}
	return h.render(c, fiber.StatusOK, "garage_car.html", v.Locale, "g_car_title", h.historyView(v.Locale, hist))
}

// orderPage is GET /account/orders/:id: one work order's lines, decisions,
// findings and documents, read-only (deciding stays on the work order's
// own page, reached from its link).
func (h *Handler) orderPage(c *fiber.Ctx) error {
	v := h.current(c)
	id, ok := pathID(c)
	if !ok {
		return h.garageNotFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), garageTimeout)
	defer cancel()
	o, err := h.store.AccountWorkOrder(ctx, v.Phones, id)
	if errors.Is(err, store.ErrNotFound) {
		return h.garageNotFound(c)
	}
	if err != nil {
		return h.internal(c, "account work order", err)
	}
	return h.render(c, fiber.StatusOK, "garage_order.html", v.Locale, "g_order_title", orderBlock{T: h.texts[v.Locale], O: h.orderView(v.Locale, o)})
}

// garageFile is GET /account/files/:id: a document of a work order the
// visitor's phones see, with the headers every stored file gets
// (attachment.Send: download, nosniff, a sandbox policy).
func (h *Handler) garageFile(c *fiber.Ctx) error {
	v := h.current(c)
	id, ok := pathID(c)
	if !ok || h.media == nil {
		return h.garageNotFound(c)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), garageTimeout)
	defer cancel()
	a, err := h.store.AccountDocument(ctx, v.Phones, id)
	if errors.Is(err, store.ErrNotFound) {
		return h.garageNotFound(c)
	}
	if err != nil {
		return h.internal(c, "account document", err)
	}
	if err := attachment.Send(c, h.media, a); err != nil {
		return h.internal(c, "send account document", err)
	}
	return nil
}

// garageNotFound answers 404 in the visitor's language.
func (h *Handler) garageNotFound(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusNotFound, "garage_notfound.html", h.current(c).Locale, "g_not_found", nil)
}

// pathID is the :id of the path when it is a positive number.
func pathID(c *fiber.Ctx) (int64, bool) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, false
	}
	return int64(id), true
}
