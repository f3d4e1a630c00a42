package account

import "github.com/gofiber/fiber/v2"

// The parts of the account pages, each filled in by its own files. A part
// that lands moves its function out of this file.

// registerBooking adds the branch directory (public) and booking (in).
func (h *Handler) registerBooking(public, in fiber.Router) {}

func bookingTexts() map[string]map[string]string { return nil }
