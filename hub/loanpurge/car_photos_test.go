package loanpurge_test

import (
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// carPhoto stores a car photo of the loan (content-addressed, as the
// uploads do), with a thumbnail file when thumb is not nil.
func (w *world) carPhoto(l hub.Loan, set, kind string, content, thumb []byte) hub.LoanCarPhoto {
	w.t.Helper()
	sha, err := w.media.Put(content)
	if err != nil {
		w.t.Fatal(err)
	}
	p := hub.LoanCarPhoto{LoanID: l.ID, PhotoSet: set, Kind: kind, MediaPath: sha, ContentType: "image/jpeg",
		SizeBytes: int64(len(content)), SHA256: sha, TakenBy: hub.CarPhotoByCustomer}
	if thumb != nil {
		if p.ThumbSHA256, err = w.media.Put(thumb); err != nil {
			w.t.Fatal(err)
		}
	}
	if _, err := w.st.PutLoanCarPhoto(w.t.Context(), &p); err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) carPhotos(l hub.Loan) []hub.LoanCarPhoto {
	w.t.Helper()
	var out []hub.LoanCarPhoto
	if err := w.st.Gorm(w.t.Context()).Where("loan_id = ?", l.ID).Order("id").Find(&out).Error; err != nil {
		w.t.Fatal(err)
	}
	return out
}

// wantCarPhotos checks a loan's car photos (and thumbnails) are on disk
// and unmarked (kept) or gone and marked (purged).
func (w *world) wantCarPhotos(l hub.Loan, kept bool) {
	w.t.Helper()
	rows := w.carPhotos(l)
	if len(rows) == 0 {
		w.t.Fatalf("loan %d has no car photo rows", l.ID)
	}
	for _, p := range rows {
		on := w.media.Has(p.MediaPath) && (p.ThumbSHA256 == "" || w.media.Has(p.ThumbSHA256))
		if on != kept || (p.PurgedAt == nil) != kept {
			w.t.Errorf("loan %d car photo %s/%s: on disk %v, purged_at %v; want kept=%v", l.ID, p.PhotoSet, p.Kind, on, p.PurgedAt, kept)
		}
	}
}

func (w *world) carAudits() map[string]int {
	w.t.Helper()
	log, err := w.st.AuditLog(w.t.Context(), 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range log {
		if e.Action == store.AuditLoanCarPhotosPurged {
			out[e.Subject]++
		}
	}
	return out
}

// The car photos go the branch's car photo retention (default 180 days)
// after the loan's end, later than the identity photos; never while the
// return's staff task (damage, less fuel) is open, then at the first pass
// after it is closed; an open loan keeps them; a file another loan still
// names stays on disk; a second pass does nothing.
func TestCarPhotosAreDeletedAfterTheirRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWorld(t, s)
		plain := w.loan()
		w.carPhoto(plain, hub.CarPhotoPickup, hub.CarPhotoKinds()[0], []byte("front at pickup"), []byte("thumb of the front"))
		w.carPhoto(plain, hub.CarPhotoReturn, hub.CarPhotoKinds()[0], []byte("front at return"), nil)
		w.carPhoto(plain, hub.CarPhotoReturn, hub.CarPhotoKinds()[1], []byte("the same as the open loan's"), nil)
		damaged := w.loan()
		w.carPhoto(damaged, hub.CarPhotoReturn, hub.CarPhotoKinds()[2], []byte("the scratch"), []byte("thumb of the scratch"))
		open := w.loan()
		w.carPhoto(open, hub.CarPhotoPickup, hub.CarPhotoKinds()[1], []byte("the same as the open loan's"), nil)

		plain = w.move(plain, hub.LoanOut, hub.LoanReturned)
		damaged = w.move(damaged, hub.LoanOut)
		fuel, km := 8, 12500
		if _, err := s.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: damaged.ID, FuelEighths: &fuel, OdometerKm: &km, Damage: true, DamageNote: "scratch on the door"}); err != nil {
			t.Fatal(err)
		}
		damaged = w.move(damaged, hub.LoanReturned)
		report, err := s.LoanReturnReport(ctx, damaged.ID)
		if err != nil || report.TaskID == nil {
			t.Fatalf("the damage opened no task: %+v %v", report, err)
		}
		open = w.move(open, hub.LoanOut)
		end := time.Now()

		// Past the identity photos' retention, before the car photos'.
		w.setNow(end.AddDate(0, 0, 179))
		if res := w.once(w.purger()); res.CarPhotos != 0 {
			t.Fatalf("day 179: %+v", res)
		}
		w.wantCarPhotos(plain, true)

		w.setNow(end.AddDate(0, 0, 181))
		res := w.once(w.purger())
		if res.CarLoans != 1 || res.CarPhotos != 3 || res.CarRemoved != 3 || res.CarKept != 1 {
			t.Fatalf("day 181: %+v; want the plain loan's 3 photos, the thumbnail deleted, the shared file kept", res)
		}
		rows := w.carPhotos(plain)
		if !w.media.Has(rows[2].MediaPath) {
			t.Error("the file the open loan also names was deleted")
		}
		rows[2].MediaPath, rows[2].ThumbSHA256 = "", ""
		for _, p := range rows {
			if p.PurgedAt == nil || (p.MediaPath != "" && w.media.Has(p.MediaPath)) || (p.ThumbSHA256 != "" && w.media.Has(p.ThumbSHA256)) {
				t.Errorf("plain loan's %s/%s: purged_at %v, still on disk", p.PhotoSet, p.Kind, p.PurgedAt)
			}
		}
		w.wantCarPhotos(damaged, true) // its task is open
		w.wantCarPhotos(open, true)
		if got := w.carAudits(); got[fmt.Sprintf("loan %d", plain.ID)] != 1 || len(got) != 1 {
			t.Fatalf("audit rows %v", got)
		}

		// A second pass: nothing.
		if res := w.once(w.purger()); res.CarPhotos != 0 || res.CarRemoved != 0 {
			t.Fatalf("second pass: %+v", res)
		}
		if got := w.carAudits(); len(got) != 1 {
			t.Fatalf("audit rows after a second pass %v", got)
		}

		// The task closed: the next pass takes the damaged loan's photos.
		if ok, err := s.FinishStaffTask(ctx, w.f.Branch.ID, *report.TaskID, "Ольга"); err != nil || !ok {
			t.Fatalf("finish task: %v %v", ok, err)
		}
		if res := w.once(w.purger()); res.CarLoans != 1 || res.CarPhotos != 1 || res.CarRemoved != 2 {
			t.Fatalf("after the task: %+v", res)
		}
		w.wantCarPhotos(damaged, false)
		w.wantCarPhotos(open, true)
	})
}

// The branch's car photo retention is read when the purge runs: 30 days
// takes them after 30 days; 0 or over 1825 is refused.
func TestCarPhotoRetentionIsTheBranchs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWorld(t, s)
		l := w.loan()
		w.carPhoto(l, hub.CarPhotoPickup, hub.CarPhotoKinds()[0], []byte("front"), nil)
		l = w.move(l, hub.LoanWithdrawn)
		set, err := s.LoanSettings(ctx, w.f.Branch.ID)
		if err != nil || set.CarPhotoRetentionDays != hub.DefaultCarPhotoRetentionDays {
			t.Fatalf("default settings %+v %v", set, err)
		}
		for _, bad := range []int{-1, 1826} {
			set.CarPhotoRetentionDays = bad
			if err := s.SetLoanSettings(ctx, set); err == nil {
				t.Fatalf("retention %d accepted", bad)
			}
		}
		set.CarPhotoRetentionDays = 30
		if err := s.SetLoanSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.LoanSettings(ctx, w.f.Branch.ID); got.CarPhotoRetentionDays != 30 {
			t.Fatalf("stored %d", got.CarPhotoRetentionDays)
		}
		w.setNow(time.Now().AddDate(0, 0, 31))
		if res := w.once(w.purger()); res.CarPhotos != 1 {
			t.Fatalf("day 31 with 30 days: %+v", res)
		}
		w.wantCarPhotos(l, false)
	})
}
