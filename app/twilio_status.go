package app

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/sms"
	"naryad/hub/store"
)

// twilioStatusPath receives Twilio's delivery reports.
const twilioStatusPath = "/hooks/twilio/status"

// twilioStatus updates a message's delivery state from a signed callback.
type twilioStatus struct {
	store       *store.Store
	twilio      *sms.Twilio
	callbackURL string // exactly as given to Twilio: the signature covers it
	log         *slog.Logger
}

func (h *twilioStatus) handle(c *fiber.Ctx) error {
	form, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return c.Status(fiber.StatusBadRequest).SendString("bad form")
	}
	if !h.twilio.VerifySignature(h.callbackURL, form, c.Get("X-Twilio-Signature")) {
		h.log.Warn("twilio status: bad signature", "ip", c.IP())
		return c.Status(fiber.StatusForbidden).SendString("bad signature")
	}
	update, err := sms.ParseTwilioStatus(form)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).SendString(err.Error())
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	found, err := h.store.UpdateDeliveryByProviderID(ctx, update.ProviderID, update.State, update.Error)
	// A report can overtake the worker's own record of the send (the
	// provider answers the send and calls back within milliseconds), and
	// Twilio does not repeat callbacks: give the worker a moment.
	for try := 0; err == nil && !found && try < 5; try++ {
		time.Sleep(200 * time.Millisecond)
		found, err = h.store.UpdateDeliveryByProviderID(ctx, update.ProviderID, update.State, update.Error)
	}
	if err != nil {
		h.log.Error("twilio status", "provider_id", update.ProviderID, "error", err)
		return c.SendStatus(fiber.StatusInternalServerError) // Twilio retries
	}
	if !found {
		h.log.Warn("twilio status for an unknown message", "provider_id", update.ProviderID, "state", update.State)
	} else {
		h.log.Info("twilio status", "provider_id", update.ProviderID, "state", update.State)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
