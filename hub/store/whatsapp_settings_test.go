package store_test

import (
	"errors"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A new branch has the defaults (no groups, left 3 days after hand-over,
// invites on, SMS after 6 h, read receipts on); the setter replaces every
// setting, read receipts included, and refuses a branch that does not
// exist.
func TestBranchWASettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		f := storetest.NewFixture(t, s)
		got, err := s.BranchWASettings(ctx, f.Branch.ID)
		want := store.WASettings{GroupLeaveDays: 3, GroupInvites: true, UndeliveredSMSHours: store.DefaultWAUndeliveredSMSHours, MarkRead: true}
		if err != nil || got != want {
			t.Fatalf("defaults %+v %v, want %+v", got, err, want)
		}
		want = store.WASettings{Groups: true, GroupLeaveDays: 5, UndeliveredSMSHours: 12}
		if err := s.SetBranchWASettings(ctx, f.Branch.ID, want); err != nil {
			t.Fatal(err)
		}
		if got, err := s.BranchWASettings(ctx, f.Branch.ID); err != nil || got != want {
			t.Fatalf("after setting %+v %v, want %+v", got, err, want)
		}
		if on, err := s.BranchWAMarkRead(ctx, f.Branch.ID); err != nil || on {
			t.Fatalf("read receipts %v %v after turning them off with the other settings", on, err)
		}
		if err := s.SetBranchWASettings(ctx, f.Branch.ID+1000, want); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("setting an unknown branch: %v", err)
		}
		if _, err := s.BranchWASettings(ctx, f.Branch.ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("reading an unknown branch: %v", err)
		}
	})
}
