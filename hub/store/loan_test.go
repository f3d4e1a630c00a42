package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// offeredLoan stores a car of the fixture's branch and an offer of it.
func offeredLoan(t *testing.T, s *store.Store, f storetest.Fixture) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: "WA 777", Model: "Kia Rio", Fuel: hub.FuelPetrol}
	if err := s.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID, TokenHash: "hash-" + car.Plate,
		Locale: "ru", HandoverAt: at, DueBackAt: at.Add(24 * time.Hour), FuelEighths: 8, OdometerKm: 100,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := s.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// Staff read a loan and its ID photos only in their own branches; the
// newest photo of each kind counts (a retake replaces the one before),
// and a purged one is still listed, with its purge.
func TestLoanStaffReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		other := hub.Branch{Code: "spb1", Name: "Питер", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &other); err != nil {
			t.Fatal(err)
		}
		l := offeredLoan(t, s, f)
		if got, err := s.LoanForStaff(ctx, []int64{other.ID, f.Branch.ID}, l.ID); err != nil || got.ID != l.ID {
			t.Fatalf("own branch's loan: %+v %v", got, err)
		}
		for name, branches := range map[string][]int64{"another branch": {other.ID}, "no branch": nil} {
			if _, err := s.LoanForStaff(ctx, branches, l.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}

		add := func(kind, sum string, purged bool) hub.LoanIdentityFile {
			file := hub.LoanIdentityFile{LoanID: l.ID, Kind: kind, MediaPath: sum, ContentType: "image/jpeg", SizeBytes: 10, SHA256: sum, CreatedAt: time.Now().UTC()}
			if purged {
				at := time.Now().UTC()
				file.PurgedAt = &at
			}
			if err := s.Gorm(ctx).Create(&file).Error; err != nil {
				t.Fatal(err)
			}
			return file
		}
		add(hub.IDPhotoSelfie, strings.Repeat("a", 64), true) // the first selfie, purged when retaken
		selfie := add(hub.IDPhotoSelfie, strings.Repeat("b", 64), false)
		front := add(hub.IDPhotoIDFront, strings.Repeat("c", 64), true)

		files, err := s.StaffLoanIdentityFiles(ctx, l.ID)
		if err != nil || len(files) != 2 {
			t.Fatalf("photos %+v %v, want the newest selfie and the front", files, err)
		}
		byKind := map[string]hub.LoanIdentityFile{}
		for _, file := range files {
			byKind[file.Kind] = file
		}
		if byKind[hub.IDPhotoSelfie].ID != selfie.ID || byKind[hub.IDPhotoIDFront].PurgedAt == nil {
			t.Fatalf("photos by kind %+v", byKind)
		}
		if got, err := s.StaffLoanIdentityFile(ctx, []int64{f.Branch.ID}, l.ID, hub.IDPhotoSelfie); err != nil || got.ID != selfie.ID {
			t.Fatalf("the selfie: %+v %v", got, err)
		}
		if got, err := s.StaffLoanIdentityFile(ctx, []int64{f.Branch.ID}, l.ID, hub.IDPhotoIDFront); err != nil || got.ID != front.ID || got.PurgedAt == nil {
			t.Fatalf("the purged front: %+v %v", got, err)
		}
		for name, c := range map[string]struct {
			branches []int64
			kind     string
		}{
			"another branch":  {[]int64{other.ID}, hub.IDPhotoSelfie},
			"no such kind":    {[]int64{f.Branch.ID}, "passport"},
			"no photo of it":  {[]int64{f.Branch.ID}, hub.IDPhotoLicenceBack},
			"a path for kind": {[]int64{f.Branch.ID}, "../selfie"},
		} {
			if _, err := s.StaffLoanIdentityFile(ctx, c.branches, l.ID, c.kind); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
	})
}

// A branch has a locker while one of its sites is live.
func TestBranchHasLocker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		if has, err := s.BranchHasLocker(ctx, f.Branch.ID); err != nil || has {
			t.Fatalf("no site: %v %v", has, err)
		}
		site := hub.LockerSite{BranchID: f.Branch.ID, Name: "Север", TokenHash: "site-hash"}
		if err := s.CreateLockerSite(ctx, &site, nil); err != nil {
			t.Fatal(err)
		}
		if has, err := s.BranchHasLocker(ctx, f.Branch.ID); err != nil || !has {
			t.Fatalf("a live site: %v %v", has, err)
		}
		if err := s.RevokeLockerSite(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		if has, err := s.BranchHasLocker(ctx, f.Branch.ID); err != nil || has {
			t.Fatalf("a revoked site: %v %v", has, err)
		}
	})
}
