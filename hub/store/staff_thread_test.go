package store_test

import (
	"context"
	"errors"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

func TestStaffLookupsAreScopedByBranch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		msk, spb := []int64{w.msk.Branch.ID}, []int64{w.spb.Branch.ID}
		note := hub.Message{ThreadID: w.spb.Thread.ID, Direction: hub.DirectionNote, Body: "фото мастера", Author: "Олег"}
		if err := s.AddMessage(ctx, &note); err != nil {
			t.Fatal(err)
		}
		photo := hub.Attachment{MessageID: note.ID, SHA256: "ab", Name: "p.jpg", ContentType: "image/jpeg", SizeBytes: 2}
		if err := s.AddAttachment(ctx, &photo); err != nil {
			t.Fatal(err)
		}

		if m, err := s.StaffMessage(ctx, spb, w.spb.Thread.ID, note.ID); err != nil || m.Body != note.Body {
			t.Fatalf("own message: %+v %v", m, err)
		}
		if a, err := s.StaffAttachment(ctx, spb, w.spb.Thread.ID, photo.ID); err != nil || a.Name != "p.jpg" {
			t.Fatalf("own note's file: %+v %v", a, err)
		}
		if files, err := s.StaffAttachments(ctx, spb, w.spb.Thread.ID); err != nil || len(files) != 1 {
			t.Fatalf("own files: %v %v", files, err)
		}
		notFound := []struct {
			name string
			err  func() error
		}{
			{"message of another branch", func() error { _, err := s.StaffMessage(ctx, msk, w.spb.Thread.ID, note.ID); return err }},
			{"message under the wrong thread", func() error { _, err := s.StaffMessage(ctx, msk, w.msk.Thread.ID, note.ID); return err }},
			{"message without branches", func() error { _, err := s.StaffMessage(ctx, nil, w.spb.Thread.ID, note.ID); return err }},
			{"file of another branch", func() error { _, err := s.StaffAttachment(ctx, msk, w.spb.Thread.ID, photo.ID); return err }},
			{"file under the wrong thread", func() error { _, err := s.StaffAttachment(ctx, msk, w.msk.Thread.ID, photo.ID); return err }},
		}
		for _, c := range notFound {
			if err := c.err(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", c.name, err)
			}
		}
		if files, err := s.StaffAttachments(ctx, msk, w.spb.Thread.ID); err != nil || len(files) != 0 {
			t.Fatalf("files of another branch: %v %v", files, err)
		}
	})
}

func TestBranchStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		w := newInboxWorld(t, s)
		add := func(login, name string, branches ...int64) store.User {
			u := store.User{Login: login, Name: name, Role: store.RoleAdvisor, PasswordHash: "x"}
			if err := s.CreateUser(ctx, &u, branches); err != nil {
				t.Fatal(err)
			}
			return u
		}
		add("boris", "Борис", w.msk.Branch.ID)
		add("anna", "Анна", w.msk.Branch.ID, w.spb.Branch.ID)
		add("oleg", "Олег", w.spb.Branch.ID)
		gone := add("vera", "Вера", w.msk.Branch.ID)
		if err := s.Gorm(ctx).Exec("UPDATE users SET disabled_at = created_at WHERE id = ?", gone.ID).Error; err != nil {
			t.Fatal(err)
		}
		users, err := s.BranchStaff(ctx, w.msk.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		var logins []string
		for _, u := range users {
			logins = append(logins, u.Login)
		}
		if len(logins) != 2 || logins[0] != "anna" || logins[1] != "boris" {
			t.Fatalf("staff of msk: %v", logins)
		}
	})
}
