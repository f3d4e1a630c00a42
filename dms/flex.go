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
	Set bool
	Raw string
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
		f.Raw = s
		return nil
	}
	f.Raw = string(b) // a number or a literal: keep its text
	return nil
}

// String is the trimmed text.
func (f flexText) String() string { return strings.TrimSpace(f.Raw) }
