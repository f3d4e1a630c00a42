package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// identityLoan offers a car of the fixture's branch and returns the loan.
func identityLoan(t *testing.T, s *store.Store, f storetest.Fixture) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "WA 54321", Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
	if err := s.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID, TokenHash: "hash-identity",
		Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567", HandoverAt: at, DueBackAt: at.Add(48 * time.Hour),
		FuelEighths: 8, OdometerKm: 12000, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := s.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func identityPhoto(loanID int64, kind, sha string) *hub.LoanIdentityFile {
	return &hub.LoanIdentityFile{LoanID: loanID, Kind: kind, MediaPath: sha, ContentType: "image/jpeg", SizeBytes: 1000, SHA256: sha}
}

// The manual check's photos: one current photo per kind, listed in the
// order asked; a retake replaces the kind's photo and hands the old one
// back for deletion; a kind that is not one of the five is refused.
func TestLoanIdentityFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := identityLoan(t, s, f)
		kinds := hub.IDPhotoKinds()
		for i := len(kinds) - 1; i >= 0; i-- { // out of order: the list still comes in the asked order
			replaced, err := s.AddLoanIdentityFile(ctx, identityPhoto(l.ID, kinds[i], "sha-"+kinds[i]))
			if err != nil || replaced != nil {
				t.Fatalf("add %s: replaced %+v, %v", kinds[i], replaced, err)
			}
		}
		files, err := s.LoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != len(kinds) {
			t.Fatalf("files %+v %v, want %d", files, err, len(kinds))
		}
		for i, f := range files {
			if f.Kind != kinds[i] || f.PurgedAt != nil {
				t.Errorf("file %d: %+v, want kind %s", i, f, kinds[i])
			}
		}

		replaced, err := s.AddLoanIdentityFile(ctx, identityPhoto(l.ID, hub.IDPhotoSelfie, "sha-selfie-2"))
		if err != nil || replaced == nil || replaced.SHA256 != "sha-"+hub.IDPhotoSelfie || replaced.PurgedAt == nil {
			t.Fatalf("retake: replaced %+v, %v", replaced, err)
		}
		files, _ = s.LoanIdentityFiles(ctx, l.ID)
		if len(files) != len(kinds) || files[len(files)-1].SHA256 != "sha-selfie-2" {
			t.Fatalf("after the retake: %+v", files)
		}
		if unused, err := s.MediaUnused(ctx, replaced.SHA256); err != nil || !unused {
			t.Errorf("replaced photo's file unused = %v, %v; want true", unused, err)
		}
		if unused, err := s.MediaUnused(ctx, "sha-selfie-2"); err != nil || unused {
			t.Errorf("current photo's file unused = %v, %v; want false", unused, err)
		}

		if _, err := s.AddLoanIdentityFile(ctx, identityPhoto(l.ID, "passport_photo", "sha-x")); !errors.Is(err, store.ErrLoanMove) {
			t.Errorf("unknown kind: %v, want ErrLoanMove", err)
		}
		if files, _ := s.LoanIdentityFiles(ctx, l.ID); len(files) != len(kinds) {
			t.Errorf("after the refused kind: %d files", len(files))
		}
	})
}

// A file an attachment also holds (the customer sent the same picture in
// the chat) is not free to delete.
func TestMediaUnusedSeesAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		m := f.Queue(t, s, 1)[0]
		if err := s.AddAttachment(ctx, &hub.Attachment{MessageID: m.ID, SHA256: "sha-shared", Name: "id.jpg", ContentType: "image/jpeg", SizeBytes: 3}); err != nil {
			t.Fatal(err)
		}
		if unused, err := s.MediaUnused(ctx, "sha-shared"); err != nil || unused {
			t.Errorf("attached file unused = %v, %v; want false", unused, err)
		}
		if unused, err := s.MediaUnused(ctx, "sha-nobody"); err != nil || !unused {
			t.Errorf("unknown file unused = %v, %v; want true", unused, err)
		}
	})
}

// Two retakes of one kind at once: one wins, the other is told to try
// again, and exactly one current photo of the kind remains.
func TestLoanIdentityFileRetakesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := identityLoan(t, s, f)
		if _, err := s.AddLoanIdentityFile(ctx, identityPhoto(l.ID, hub.IDPhotoIDFront, "sha-0")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.AddLoanIdentityFile(ctx, identityPhoto(l.ID, hub.IDPhotoIDFront, "sha-"+string(rune('a'+i))))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrLoanChanged):
				t.Errorf("retake: %v, want nil or ErrLoanChanged", err)
			}
		}
		files, err := s.LoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != 1 || ok == 0 {
			t.Fatalf("after %d retakes at once (%d stored): %+v %v, want one current photo", len(errs), ok, files, err)
		}
	})
}
