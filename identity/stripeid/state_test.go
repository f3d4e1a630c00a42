package stripeid_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"naryad/identity"
	"naryad/internal/stripemock"
)

func TestFetchReadsTheSessionState(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	const id = "vs_fetch"
	ours := map[string]any{"naryad_reference": "7"}
	failed := map[string]any{"code": "document_expired", "reason": "The document is expired."}
	const page = "https://verify.stripe.com/start/test_again"
	cases := []struct {
		name  string
		patch map[string]any
		want  identity.State
	}{
		{"waiting for the customer: a fresh page", map[string]any{"status": "requires_input", "metadata": ours, "last_error": nil, "url": page},
			identity.State{Status: identity.RequiresInput, Reference: "7", URL: page}},
		{"a try failed", map[string]any{"status": "requires_input", "metadata": ours, "last_error": failed, "url": page},
			identity.State{Status: identity.RequiresInput, Reference: "7", ErrorCode: "document_expired", ErrorReason: "The document is expired.", URL: page}},
		{"being checked (the old error is not the news)", map[string]any{"status": "processing", "metadata": ours, "last_error": failed, "url": page},
			identity.State{Status: identity.Processing, Reference: "7"}},
		{"verified: no page", map[string]any{"status": "verified", "metadata": ours, "last_error": nil, "url": page},
			identity.State{Status: identity.Verified, Reference: "7"}},
		{"canceled after a failed selfie", map[string]any{"status": "canceled", "metadata": ours,
			"last_error": map[string]any{"code": "selfie_face_mismatch", "reason": "The face does not match."}},
			identity.State{Status: identity.Canceled, Reference: "7", ErrorCode: "selfie_face_mismatch", ErrorReason: "The face does not match."}},
		{"reference only as client_reference_id", map[string]any{"status": "verified", "metadata": map[string]any{}, "client_reference_id": "8"},
			identity.State{Status: identity.Verified, Reference: "8"}},
	}
	for _, c2 := range cases {
		t.Run(c2.name, func(t *testing.T) {
			mock.Patch(http.MethodGet, sessionsAt+"/"+id, c2.patch)
			got, err := c.Fetch(context.Background(), id)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got != c2.want {
				t.Fatalf("Fetch =\n %+v\nwant\n %+v", got, c2.want)
			}
		})
	}
	if n := len(calls(mock, http.MethodGet, sessionsAt+"/"+id)); n != len(cases) {
		t.Fatalf("%d retrieves, want %d", n, len(cases))
	}
}

func TestFetchErrors(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	mock.Fail(http.MethodGet, sessionsAt+"/vs_gone", http.StatusNotFound, "resource_missing", "No such verification session: 'vs_gone'")
	_, err := c.Fetch(context.Background(), "vs_gone")
	if e := wantCheckError(t, err, false, http.StatusNotFound); e.Code != "resource_missing" {
		t.Errorf("code %q", e.Code)
	}
	mock.Fail(http.MethodGet, sessionsAt+"/vs_busy", http.StatusServiceUnavailable, "", "try later")
	_, err = c.Fetch(context.Background(), "vs_busy")
	wantCheckError(t, err, true, http.StatusServiceUnavailable)

	mock.Patch(http.MethodGet, sessionsAt+"/vs_new", map[string]any{"status": "needs_review"})
	_, err = c.Fetch(context.Background(), "vs_new")
	if e := wantCheckError(t, err, false, 0); e.Code != "unknown_status" {
		t.Errorf("an unknown status: %+v", e)
	}

	before := len(mock.Requests())
	_, err = c.Fetch(context.Background(), "")
	wantCheckError(t, err, false, 0)
	if len(mock.Requests()) != before {
		t.Fatal("an empty id reached Stripe")
	}
}

func TestCancelCancelsASessionWaitingForInputOnly(t *testing.T) {
	mock := stripemock.Start(t)
	c := newCheck(t, mock, nil)
	ours := map[string]any{"naryad_reference": "7"}

	t.Run("waiting: canceled", func(t *testing.T) {
		const id = "vs_open"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "requires_input", "metadata": ours, "last_error": nil})
		mock.Patch(http.MethodPost, sessionsAt+"/"+id+"/cancel", map[string]any{"status": "canceled", "metadata": ours, "last_error": nil})
		got, err := c.Cancel(context.Background(), id)
		if err != nil || got != (identity.State{Status: identity.Canceled, Reference: "7"}) {
			t.Fatalf("Cancel = %+v, %v; want canceled", got, err)
		}
		if n := len(calls(mock, http.MethodPost, sessionsAt+"/"+id+"/cancel")); n != 1 {
			t.Fatalf("%d cancel calls, want 1", n)
		}
	})

	t.Run("verified: stays verified, not canceled", func(t *testing.T) {
		const id = "vs_verified"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "verified", "metadata": ours})
		got, err := c.Cancel(context.Background(), id)
		if err != nil || got.Status != identity.Verified {
			t.Fatalf("Cancel = %+v, %v; want verified", got, err)
		}
		if n := len(calls(mock, http.MethodPost, sessionsAt+"/"+id+"/cancel")); n != 0 {
			t.Fatalf("a verified session was canceled (%d calls)", n)
		}
	})

	t.Run("submitted while canceling: its state", func(t *testing.T) {
		const id = "vs_race"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "requires_input", "metadata": ours})
		mock.Fail(http.MethodPost, sessionsAt+"/"+id+"/cancel", http.StatusBadRequest, "session_not_cancelable",
			"This VerificationSession cannot be canceled because it is processing.")
		got, err := c.Cancel(context.Background(), id)
		if err != nil || got.Status != identity.RequiresInput {
			t.Fatalf("Cancel = %+v, %v; want the fetched state, no error", got, err)
		}
		if n := len(calls(mock, http.MethodGet, sessionsAt+"/"+id)); n != 2 {
			t.Fatalf("%d retrieves, want 2 (before and after the refused cancel)", n)
		}
	})

	t.Run("Stripe down: temporary", func(t *testing.T) {
		const id = "vs_down"
		mock.Patch(http.MethodGet, sessionsAt+"/"+id, map[string]any{"status": "requires_input", "metadata": ours})
		mock.Fail(http.MethodPost, sessionsAt+"/"+id+"/cancel", http.StatusInternalServerError, "", "down")
		_, err := c.Cancel(context.Background(), id)
		if e := wantCheckError(t, err, true, http.StatusInternalServerError); !strings.Contains(e.Error(), "cancel") {
			t.Errorf("error %q does not name the cancel", e.Error())
		}
	})
}
