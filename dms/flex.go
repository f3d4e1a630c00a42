package dms

import (
	"bytes"
	"encoding/json"
	"strings"
)

// 1C serialises numbers, flags and ids loosely: 95000, "95000", "1 500,50",
// true, "true", "Да". These wire types accept any of them without failing the
// JSON decode, keep the raw text, and are interpreted during validation,
// where a bad value becomes a field-precise error instead of a broken batch.

// flexText is a JSON string, number or boolean, kept as text.
type flexText struct {
	Set  bool
	Raw  string
	Kind string // what the JSON value was: "a string", "a number", "a boolean", "an object" or "an array"
}

func (f *flexText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = flexText{}
		return nil
	}
	f.Set = true
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		f.Raw, f.Kind = s, "a string"
		return nil
	}
	f.Raw, f.Kind = string(b), jsonKindOf(b) // a number or a literal: keep its text
	return nil
}

// jsonKindOf names the kind of a JSON value that is not a string or null.
func jsonKindOf(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "an object"
	case b[0] == '[':
		return "an array"
	case b[0] == 't' || b[0] == 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// String is the trimmed text.
func (f flexText) String() string { return strings.TrimSpace(f.Raw) }

// isCode tells whether the value may be an id or a code: a string or a
// number (absent counts too). An object or a boolean is no id, whatever
// its JSON text.
func (f flexText) isCode() bool {
	return !f.Set || f.Kind == "a string" || f.Kind == "a number"
}

// optional is a member of a work order that may be left out, sent as null,
// or sent with a value. The three differ: a part left out keeps what is
// stored, null clears it (see docs/exchange.md, "work_order").
type optional[T any] struct {
	Sent  bool // the key was there, null included
	Null  bool
	Value T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Sent = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// ptr is the value, or nil when it was sent as null or not at all.
func (o optional[T]) ptr() *T {
	if !o.Sent || o.Null {
		return nil
	}
	return &o.Value
}
