package csvimport

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Events turns rows into the exchange events the DMS would push: a
// `customer` event for each row's customer and an `expiring_item` event
// for the item. An event's id is a hash of what it carries, so the same
// row imported again is a duplicate, and a changed row (a renewed expiry,
// a new phone) is a new event that updates.
func Events(rows []Row, at time.Time) ([]json.RawMessage, error) {
	occurred := at.UTC().Format(time.RFC3339)
	out := make([]json.RawMessage, 0, 2*len(rows))
	for _, r := range rows {
		customer := map[string]any{"external_id": r.CustomerID, "name": r.CustomerName, "phones": []string{r.Phone}}
		if r.Email != "" {
			customer["email"] = r.Email
		}
		if r.Locale != "" {
			customer["locale"] = r.Locale
		}
		item := map[string]any{"external_id": r.ItemID, "customer_external_id": r.CustomerID,
			"kind": r.Kind, "title": r.Title, "expires_on": r.ExpiresOn}
		if r.Branch != "" {
			customer["branch"] = r.Branch
			item["branch"] = r.Branch
		}
		for _, e := range []struct {
			typ  string
			body map[string]any
		}{{"customer", customer}, {"expiring_item", item}} {
			raw, err := event(e.typ, occurred, e.body)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", r.Line, err)
			}
			out = append(out, raw)
		}
	}
	return out, nil
}

func event(typ, occurred string, body map[string]any) (json.RawMessage, error) {
	content, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte(typ+"\x00"), content...))
	return json.Marshal(map[string]any{
		"id":          "csv-" + typ + "-" + hex.EncodeToString(sum[:12]),
		"type":        typ,
		"occurred_at": occurred,
		typ:           json.RawMessage(content),
	})
}
