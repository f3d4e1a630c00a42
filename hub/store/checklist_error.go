package store

import "fmt"

// ChecklistError is a refusal of a checklist (CleanChecklist, SetChecklist
// and the admin form): Reason names the case, so the admin page says it in
// the admin's language; Error stays English for the logs. errors.Is(err,
// ErrChecklist) holds for every one.
type ChecklistError struct {
	Reason string // one of the Checklist* reasons below
	Item   int    // the item's place in the list (1…), 0 when about the list
	Code   string // the item's code, when it has one
	Field  string // name_ru, name_pl, name_en, section, unit (ChecklistField*)
	Max    int    // the bound broken (ChecklistTooMany, ChecklistFieldLong, ChecklistRows)
	Detail string // English, for the logs
}

// The reasons of a ChecklistError.
const (
	ChecklistTooMany   = "too_many"   // more than Max items
	ChecklistBadCode   = "bad_code"   // Code is not [a-z0-9_]{1,40}
	ChecklistCodeTwice = "code_twice" // Code is on two items
	ChecklistFieldBad  = "field_bad"  // Field holds a control character or bytes that are not UTF-8
	ChecklistFieldLong = "field_long" // Field is longer than Max characters
	ChecklistNoRussian = "no_russian" // the item has no Russian name
	ChecklistFormRows  = "form_rows"  // the form's row count is not 0 to Max
	ChecklistFormOrder = "form_order" // an order field is not a number from 1 to 10000
)

func (e *ChecklistError) Error() string { return "checklist: " + e.Detail }

// Is makes every ChecklistError an ErrChecklist.
func (e *ChecklistError) Is(target error) bool { return target == ErrChecklist }

// checklistRefusal is a ChecklistError with its English detail.
func checklistRefusal(reason string, item int, code, field string, max int, format string, args ...any) error {
	return &ChecklistError{Reason: reason, Item: item, Code: code, Field: field, Max: max, Detail: fmt.Sprintf(format, args...)}
}
