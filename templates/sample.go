package templates

import "time"

// samples returns realistic data for locale that Validate executes an
// override against: one value with every optional field filled and one with
// the optional fields empty, so both branches of an {{if .Link}} are tried.
func samples(locale string) []Data {
	full := Data{
		CustomerName:    "Ivan Petrov",
		BranchName:      "AutoService Centre",
		BranchPhone:     "+7 495 123-45-67",
		WorkOrderNumber: "00012345",
		Vehicle:         "Škoda Octavia A123BC77",
		Plate:           "A123BC77",
		Status:          "ready",
		Link:            "https://naryad.example/c/AbC123xyz",
		Text:            "Your car is ready, you can pick it up after 17:00.",
		DocumentName:    "Invoice",
		Code:            "482913",
		PromisedAt:      time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC),
		Currency:        sampleCurrency(locale),
		TotalMinor:      1250000,
		PayMinor:        1250000,
		Lines: []Line{
			{Name: "Brake pads", TotalMinor: 450000},
			{Name: "Brake discs", TotalMinor: 1100050},
		},
		DueAt:     time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("MSK", 3*60*60)),
		Season:    "winter",
		BookingAt: time.Date(2026, 12, 12, 7, 0, 0, 0, time.UTC),
		BookURL:   "https://naryad.example/account/book?vehicle=42&branch=msk1",
		Items: []Item{
			{Title: "GPS subscription A123BC77", Kind: "subscription", ExpiresAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("MSK", 3*60*60))},
			{Title: "Insurance", Kind: "insurance", ExpiresAt: time.Date(2026, 12, 5, 0, 0, 0, 0, time.FixedZone("MSK", 3*60*60))},
		},
		Location: time.FixedZone("MSK", 3*60*60),
		Locale:   locale,
	}
	sparse := full
	sparse.CustomerName = ""
	sparse.BranchPhone = ""
	sparse.Plate = ""
	sparse.Link = ""
	sparse.PromisedAt = time.Time{}
	sparse.TotalMinor = 0
	sparse.PayMinor = 0
	sparse.Lines = nil
	sparse.DueAt = time.Time{}
	sparse.Season = "summer"
	sparse.Items = nil
	sparse.BookURL = ""
	sparse.Location = nil
	return []Data{full, sparse}
}

// sampleCurrency is the currency a branch serving locale most likely uses.
func sampleCurrency(locale string) string {
	switch locale {
	case LocaleRU:
		return "RUB"
	case LocalePL:
		return "PLN"
	default:
		return "EUR"
	}
}
