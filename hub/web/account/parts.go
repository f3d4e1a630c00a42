package account

import "github.com/gofiber/fiber/v2"

// The parts of the account pages, each filled in by its own files. A part
// that lands moves its function out of this file.

// registerSignIn adds sign-in by code and sign-out (signin*.go).
func (h *Handler) registerSignIn(public fiber.Router) {}

// registerGarage adds the garage and each car's history (garage*.go).
func (h *Handler) registerGarage(in fiber.Router) {}

// registerPrivacy adds consent, data download and deletion (privacy*.go).
func (h *Handler) registerPrivacy(in fiber.Router) {}

func signInTexts() map[string]map[string]string  { return nil }
func garageTexts() map[string]map[string]string  { return nil }
func privacyTexts() map[string]map[string]string { return nil }
