package sms

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorHelpers(t *testing.T) {
	perm := &Error{Provider: "twilio", Permanent: true, Code: "21211", Message: "bad number"}
	limited := &Error{Provider: "twilio", RetryAfter: 7 * time.Second}
	netErr := &Error{Provider: "twilio", Message: "request failed", Err: context.DeadlineExceeded}
	tests := []struct {
		name          string
		err           error
		wantPermanent bool
		wantRetry     time.Duration
	}{
		{"nil", nil, false, 0},
		{"plain error", errors.New("boom"), false, 0},
		{"permanent", perm, true, 0},
		{"wrapped permanent", fmt.Errorf("outbox send 5: %w", perm), true, 0},
		{"retry after", fmt.Errorf("outbox: %w", limited), false, 7 * time.Second},
		{"network", netErr, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsPermanent(tc.err); got != tc.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v", got, tc.wantPermanent)
			}
			if got := RetryAfter(tc.err); got != tc.wantRetry {
				t.Errorf("RetryAfter = %v, want %v", got, tc.wantRetry)
			}
		})
	}
	if !errors.Is(netErr, context.DeadlineExceeded) {
		t.Error("Error does not unwrap to its cause")
	}
	if got, want := perm.Error(), "sms twilio: code 21211: bad number"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
