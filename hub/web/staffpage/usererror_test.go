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
