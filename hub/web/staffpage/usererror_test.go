package staffpage_test

import (
	"errors"
	"fmt"
	"testing"

	"naryad/hub/web/staffpage"
)

type testUserError struct{ msg string }

func (e testUserError) Error() string       { return "internal: " + e.msg }
func (e testUserError) UserMessage() string { return e.msg }

// A user error's words come through wrapping; any other error has none.
func TestUserMessage(t *testing.T) {
	if msg, ok := staffpage.UserMessage(fmt.Errorf("request: %w", testUserError{"amount too large"})); !ok || msg != "amount too large" {
		t.Errorf("wrapped user error: %q %t", msg, ok)
	}
	for _, err := range []error{nil, errors.New("dial tcp: refused"), testUserError{}} {
		if msg, ok := staffpage.UserMessage(err); ok || msg != "" {
			t.Errorf("%v: %q %t", err, msg, ok)
		}
	}
}

type testRefusal struct {
	key  string
	args []any
}

func (e testRefusal) Error() string                { return "English " + e.key }
func (e testRefusal) UserMessage() string          { return "English " + e.key }
func (e testRefusal) UserRefusal() (string, []any) { return e.key, e.args }

type testAmount struct{}

func (testAmount) MinorUnits() (int64, string) { return 125050, "PLN" }

// A keyed refusal comes in the page's words with its blanks filled, an
// amount as money of the reader's language; a key the page lacks, or one
// whose blanks do not match, keeps the service's words.
func TestUserMessageIn(t *testing.T) {
	words := map[string]string{"too_much": "Można zwrócić najwyżej %s (%s).", "two": "%s i %s"}
	err := fmt.Errorf("refund: %w", testRefusal{"too_much", []any{testAmount{}, 3}})
	if msg, ok := staffpage.UserMessageIn(err, "pl", words); !ok || msg != "Można zwrócić najwyżej 1 250,50 zł (3)." {
		t.Errorf("keyed: %q %t", msg, ok)
	}
	for _, e := range []error{testRefusal{"other", nil}, testRefusal{"two", []any{1}}, testRefusal{"", nil}} {
		if msg, ok := staffpage.UserMessageIn(e, "pl", words); !ok || msg != e.(testRefusal).UserMessage() {
			t.Errorf("%v: %q %t", e, msg, ok)
		}
	}
	if msg, ok := staffpage.UserMessageIn(testUserError{"plain"}, "pl", words); !ok || msg != "plain" {
		t.Errorf("unkeyed: %q %t", msg, ok)
	}
	if msg, ok := staffpage.UserMessageIn(errors.New("dial tcp"), "pl", words); ok || msg != "" {
		t.Errorf("internal: %q %t", msg, ok)
	}
}
