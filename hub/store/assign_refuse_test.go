package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A thread goes by hand only to an enabled advisor or admin of its branch,
// with a short printable reason; anything else is refused with its own
// error and changes neither the thread nor the assignment audit.
func TestAssignThreadByRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		tm := team{t, s, w.msk.Branch.ID}
		anna := tm.add("anna", store.RoleAdvisor, 0, false)
		mech := tm.add("mech", store.RoleMechanic, 0, false)
		gone := tm.add("gone", store.RoleAdvisor, 0, false)
		far := team{t, s, w.spb.Branch.ID}.add("far", store.RoleAdvisor, 0, false)
		if err := s.Gorm(ctx).Exec("UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE id = ?", gone.ID).Error; err != nil {
			t.Fatal(err)
		}
		th := createLeads(t, s, w.msk.Branch.ID, 1)[0]
		for _, c := range []struct {
			to     int64
			reason string
			want   error
		}{
			{mech.ID, store.ReasonManual, store.ErrNotAssignable},
			{gone.ID, store.ReasonManual, store.ErrUserDisabled},
			{far.ID, store.ReasonManual, store.ErrNotBranchStaff},
			{999999, store.ReasonManual, store.ErrNotBranchStaff},
			{anna.ID, "", store.ErrBadReason},
			{anna.ID, strings.Repeat("r", 65), store.ErrBadReason},
			{anna.ID, "manual\nDROP", store.ErrBadReason},
			{anna.ID, "manual\x00", store.ErrBadReason},
			{anna.ID, "\xff\xfe", store.ErrBadReason},
		} {
			if err := s.AssignThreadBy(ctx, th.ID, &c.to, c.reason, &anna.ID); !errors.Is(err, c.want) {
				t.Errorf("to %d reason %q: %v, want %v", c.to, c.reason, err, c.want)
			}
		}
		if got, _ := s.Thread(ctx, th.ID); got.AssigneeID != nil {
			t.Fatalf("a refused assignment stored %d", *got.AssigneeID)
		}
		if audit, _ := s.ThreadAssignments(ctx, th.ID, 10); len(audit) != 0 {
			t.Fatalf("refusals audited: %+v", audit)
		}
		if err := s.AssignThreadBy(ctx, th.ID, &anna.ID, strings.Repeat("р", 64), &anna.ID); err != nil {
			t.Fatalf("a 64-letter reason: %v", err)
		}
	})
}
