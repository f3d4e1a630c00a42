package store_test

import (
	"context"
	"testing"

	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		u := store.User{Login: "a", Role: store.RoleAdmin, PasswordHash: "x"}
		if err := s.CreateUser(ctx, &u, []int64{f.Branch.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.Audit(ctx, store.AuditEntry{Action: store.AuditLoginFailed, Subject: "nobody", Detail: "unknown login", IP: "10.0.0.9"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Audit(ctx, store.AuditEntry{UserID: &u.ID, Action: store.AuditLogin, Subject: "a"}); err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 2 {
			t.Fatalf("log %+v %v", log, err)
		}
		if log[0].Action != store.AuditLogin || log[0].UserID == nil || *log[0].UserID != u.ID || log[0].At.IsZero() {
			t.Fatalf("newest: %+v", log[0])
		}
		if log[1].UserID != nil || log[1].IP != "10.0.0.9" || log[1].Detail != "unknown login" {
			t.Fatalf("oldest: %+v", log[1])
		}
	})
}
