package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"naryad/hub"
)

// ErrChecklist is wrapped by every refusal of SetChecklist: the admin page
// shows the message, nothing is stored.
var ErrChecklist = errors.New("checklist")

// MaxChecklistItems bounds a branch's checklist: a mechanic walks round a
// car, not through a catalogue (and the form stays well under the body
// limit).
const MaxChecklistItems = 200

// maxSectionRunes bounds a section's name.
const maxSectionRunes = 40

// checklistCode is what an item's code may be: inspection items and DMS
// lines refer to it, so it is plain and stable.
var checklistCode = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// CleanChecklist checks and normalises items as SetChecklist stores them:
// codes [a-z0-9_]{1,40} and unique, names (ru, pl, en; Russian required,
// the others fall back to it when empty), section and unit as
// hub.CleanItemText allows; positions become 1..n in the given order.
func CleanChecklist(items []hub.ChecklistItem) ([]hub.ChecklistItem, error) {
	if len(items) > MaxChecklistItems {
		return nil, checklistRefusal(ChecklistTooMany, 0, "", "", MaxChecklistItems, "%d items, at most %d", len(items), MaxChecklistItems)
	}
	out := make([]hub.ChecklistItem, len(items))
	seen := make(map[string]bool, len(items))
	for n, it := range items {
		if !checklistCode.MatchString(it.Code) {
			return nil, checklistRefusal(ChecklistBadCode, n+1, it.Code, "", 0, "item %d: code %q is not 1 to 40 of a-z, 0-9, _", n+1, it.Code)
		}
		if seen[it.Code] {
			return nil, checklistRefusal(ChecklistCodeTwice, n+1, it.Code, "", 0, "code %q is used twice", it.Code)
		}
		seen[it.Code] = true
		c := hub.ChecklistItem{Code: it.Code, Position: n + 1}
		var err error
		for _, f := range []struct {
			what string
			key  string // ChecklistError.Field
			in   string
			out  *string
			max  int
		}{
			{"name (ru)", "name_ru", it.NameRu, &c.NameRu, hub.MaxItemNameRunes},
			{"name (pl)", "name_pl", it.NamePl, &c.NamePl, hub.MaxItemNameRunes},
			{"name (en)", "name_en", it.NameEn, &c.NameEn, hub.MaxItemNameRunes},
			{"section", "section", it.Section, &c.Section, maxSectionRunes},
			{"unit", "unit", it.Unit, &c.Unit, hub.MaxItemUnitRunes},
		} {
			if *f.out, err = hub.CleanItemText(f.what, f.in, f.max); err != nil {
				reason := ChecklistFieldBad
				if utf8.ValidString(f.in) && utf8.RuneCountInString(f.in) > f.max {
					reason = ChecklistFieldLong
				}
				return nil, checklistRefusal(reason, n+1, it.Code, f.key, f.max, "%s: %v", it.Code, err)
			}
		}
		if c.NameRu == "" {
			return nil, checklistRefusal(ChecklistNoRussian, n+1, it.Code, "name_ru", 0, "%s: the Russian name is required", it.Code)
		}
		if c.NamePl == "" {
			c.NamePl = c.NameRu
		}
		if c.NameEn == "" {
			c.NameEn = c.NameRu
		}
		out[n] = c
	}
	return out, nil
}

// SetChecklist replaces the branch's checklist with items, checked by
// CleanChecklist (nothing is stored when one is refused). An empty list
// stores nothing of the branch's own: the branch is back on
// hub.DefaultChecklist. Inspections already started keep their items: they
// copied the checklist when they began.
func (s *Store) SetChecklist(ctx context.Context, branchID int64, items []hub.ChecklistItem) error {
	clean, err := CleanChecklist(items)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		// Locking the branch row orders two admins saving at once: the
		// later save replaces the earlier one whole, never a mix of both.
		res := db.Exec(`UPDATE branches SET declined_offer_days = declined_offer_days WHERE id = ?`, branchID)
		if res.Error != nil {
			return fmt.Errorf("lock branch %d for its checklist: %w", branchID, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("checklist of branch %d: %w", branchID, ErrNotFound)
		}
		if err := db.Where("branch_id = ?", branchID).Delete(&hub.ChecklistItem{}).Error; err != nil {
			return fmt.Errorf("clear checklist of branch %d: %w", branchID, err)
		}
		if len(clean) == 0 {
			return nil
		}
		for n := range clean {
			clean[n].BranchID = branchID
		}
		if err := db.Create(&clean).Error; err != nil {
			return fmt.Errorf("save checklist of branch %d: %w", branchID, err)
		}
		return nil
	})
}
