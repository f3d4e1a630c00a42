package loanpurge_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/loanpurge"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// world is a branch with its courtesy cars, the media storage the photos
// are written to, and a Purger on a clock the test moves.
type world struct {
	t     *testing.T
	st    *store.Store
	f     storetest.Fixture
	media *hub.Media
	dir   string // the media folder
	mu    sync.Mutex
	now   time.Time
	seq   int
}

func newWorld(t *testing.T, st *store.Store) *world {
	dir := filepath.Join(t.TempDir(), "media")
	return &world{t: t, st: st, f: storetest.NewFixture(t, st), media: hub.NewMedia(dir), dir: dir, now: time.Now()}
}

func (w *world) clock() time.Time    { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
func (w *world) setNow(at time.Time) { w.mu.Lock(); w.now = at; w.mu.Unlock() }
func (w *world) quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func (w *world) purger() *loanpurge.Purger {
	return w.purgerOver(w.media)
}

func (w *world) purgerOver(files store.MediaFiles) *loanpurge.Purger {
	return loanpurge.New(w.st, files, loanpurge.Options{Now: w.clock, Logger: w.quiet(), Every: 10 * time.Millisecond})
}

// loan offers a loan of a new car of the branch.
func (w *world) loan() hub.Loan {
	w.t.Helper()
	ctx := w.t.Context()
	w.seq++
	car := hub.CourtesyCar{BranchID: w.f.Branch.ID, Plate: fmt.Sprintf("WA %05d", w.seq), Model: "Škoda Fabia", Fuel: hub.FuelPetrol}
	if err := w.st.AddCourtesyCar(ctx, &car); err != nil {
		w.t.Fatal(err)
	}
	at := time.Now().UTC()
	l := hub.Loan{BranchID: w.f.Branch.ID, ThreadID: w.f.Thread.ID, WorkOrderID: &w.f.Order.ID, CarID: car.ID,
		TokenHash: fmt.Sprintf("token-%d-%d", w.seq, at.UnixNano()), Locale: "ru", CustomerName: "Иван", CustomerPhone: "+79161234567",
		HandoverAt: at, DueBackAt: at.Add(48 * time.Hour), FuelEighths: 8, OdometerKm: 12000,
		IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := w.st.CreateLoan(ctx, &l); err != nil {
		w.t.Fatal(err)
	}
	return l
}

// move changes a loan's state through the one write path.
func (w *world) move(l hub.Loan, states ...string) hub.Loan {
	w.t.Helper()
	for _, to := range states {
		var err error
		l, err = w.st.ChangeLoan(w.t.Context(), l.ID, "", func(x *hub.Loan) error { x.State = to; return nil })
		if err != nil {
			w.t.Fatalf("loan %d → %s: %v", l.ID, to, err)
		}
	}
	return l
}

// photo writes an identity photo of the loan the way the upload does:
// the file into media storage, then its row. byPath stores it under a
// path of its own rather than content-addressed.
func (w *world) photo(l hub.Loan, kind string, content []byte, byPath bool) hub.LoanIdentityFile {
	w.t.Helper()
	sha, err := w.media.Put(content)
	if err != nil {
		w.t.Fatal(err)
	}
	name := sha
	if byPath {
		// A file of its own, named by the loan and the kind, as an
		// upload that does not share files by content might keep it.
		name = filepath.Join("identity", fmt.Sprint(l.ID), kind+".jpg")
		if err := w.media.Remove(sha); err != nil {
			w.t.Fatal(err)
		}
		path := filepath.Join(w.dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o640); err != nil {
			w.t.Fatal(err)
		}
	}
	f := hub.LoanIdentityFile{LoanID: l.ID, Kind: kind, MediaPath: name, ContentType: "image/jpeg",
		SizeBytes: int64(len(content)), SHA256: sha, CreatedAt: time.Now().UTC()}
	if err := w.st.Gorm(w.t.Context()).Create(&f).Error; err != nil {
		w.t.Fatal(err)
	}
	if !w.media.Has(name) {
		w.t.Fatalf("photo %s not on disk", name)
	}
	return f
}

// files reads a loan's identity rows.
func (w *world) files(l hub.Loan) []hub.LoanIdentityFile {
	w.t.Helper()
	var out []hub.LoanIdentityFile
	if err := w.st.Gorm(w.t.Context()).Where("loan_id = ?", l.ID).Order("id").Find(&out).Error; err != nil {
		w.t.Fatal(err)
	}
	return out
}

// wantPhotos checks whether a loan's photos are on disk and unmarked
// (kept) or gone and marked (purged).
func (w *world) wantPhotos(l hub.Loan, kept bool) {
	w.t.Helper()
	rows := w.files(l)
	if len(rows) == 0 {
		w.t.Fatalf("loan %d has no photo rows", l.ID)
	}
	for _, f := range rows {
		if on := w.media.Has(f.MediaPath); on != kept || (f.PurgedAt == nil) != kept {
			w.t.Errorf("loan %d photo %s: on disk %v, purged_at %v; want kept=%v", l.ID, f.Kind, on, f.PurgedAt, kept)
		}
	}
}

// purgeAudits counts the purge's audit rows per subject.
func (w *world) purgeAudits() map[string]int {
	w.t.Helper()
	log, err := w.st.AuditLog(w.t.Context(), 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range log {
		if e.Action == store.AuditLoanPhotosPurged {
			out[e.Subject]++
			if e.UserID != nil {
				w.t.Errorf("purge audit row %+v names a user", e)
			}
		}
	}
	return out
}

func (w *world) once(p *loanpurge.Purger) store.LoanPhotoPurge {
	w.t.Helper()
	res, ran, err := p.Once(w.t.Context())
	if err != nil || !ran {
		w.t.Fatalf("purge at %s: ran %v, %v", w.clock(), ran, err)
	}
	return res
}

// The photos of an ended loan go when the branch's retention after its
// end has passed, not before; an open loan keeps its photos whatever the
// clock says; a second pass does nothing; each purged loan has one audit
// row.
func TestPhotosAreDeletedAfterTheRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWorld(t, s)
		withdrawn := w.loan()
		w.photo(withdrawn, hub.IDPhotoIDFront, []byte("id front of loan 1"), false)
		w.photo(withdrawn, hub.IDPhotoSelfie, []byte("selfie of loan 1"), false)
		returned := w.loan()
		w.photo(returned, hub.IDPhotoLicenceFront, []byte("licence of loan 2"), true)
		w.photo(returned, hub.IDPhotoIDBack, []byte("id back of loan 2"), false)
		open := w.loan()
		w.photo(open, hub.IDPhotoSelfie, []byte("selfie of the open loan"), false)
		withdrawn = w.move(withdrawn, hub.LoanWithdrawn)
		returned = w.move(returned, hub.LoanOut, hub.LoanReturned)
		open = w.move(open, hub.LoanOut)

		// A loan ended under a longer retention is due later.
		set, err := s.LoanSettings(ctx, w.f.Branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		set.PhotoRetentionDays = 90
		if err := s.SetLoanSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		later := w.loan()
		w.photo(later, hub.IDPhotoIDFront, []byte("id of the later loan"), false)
		later = w.move(later, hub.LoanOut, hub.LoanReturned)
		if later.PhotosPurgeAt == nil || returned.PhotosPurgeAt == nil || !later.PhotosPurgeAt.After(returned.PhotosPurgeAt.Add(59*24*time.Hour)) {
			t.Fatalf("purge times %v and %v: want the later loan 90 days after its end", returned.PhotosPurgeAt, later.PhotosPurgeAt)
		}

		p := w.purger()
		w.setNow(returned.PhotosPurgeAt.Add(-time.Minute))
		if res := w.once(p); res != (store.LoanPhotoPurge{}) {
			t.Fatalf("purge a minute before the retention ends: %+v, want nothing", res)
		}
		for _, l := range []hub.Loan{withdrawn, returned, open, later} {
			w.wantPhotos(l, true)
		}

		w.setNow(returned.PhotosPurgeAt.Add(time.Minute))
		if res := w.once(p); res != (store.LoanPhotoPurge{Loans: 2, Files: 4, Removed: 4}) {
			t.Fatalf("purge past the retention: %+v, want 2 loans, 4 files removed", res)
		}
		w.wantPhotos(withdrawn, false)
		w.wantPhotos(returned, false)
		w.wantPhotos(open, true)
		w.wantPhotos(later, true)
		if res := w.once(p); res != (store.LoanPhotoPurge{}) {
			t.Fatalf("second purge: %+v, want nothing", res)
		}

		w.setNow(later.PhotosPurgeAt.Add(time.Hour))
		if res := w.once(p); res != (store.LoanPhotoPurge{Loans: 1, Files: 1, Removed: 1}) {
			t.Fatalf("purge past the later loan's retention: %+v", res)
		}
		w.wantPhotos(later, false)
		w.wantPhotos(open, true) // still out: its photos stay however late it is

		audits := w.purgeAudits()
		want := map[string]int{fmt.Sprint("loan ", withdrawn.ID): 1, fmt.Sprint("loan ", returned.ID): 1, fmt.Sprint("loan ", later.ID): 1}
		if fmt.Sprint(audits) != fmt.Sprint(want) {
			t.Fatalf("purge audit rows %v, want %v", audits, want)
		}
		// The rows stay, marked, as the record that the photos existed.
		if rows := w.files(returned); len(rows) != 2 || rows[0].PurgedAt == nil {
			t.Fatalf("rows after the purge: %+v", rows)
		}
	})
}

// failing deletes through the media storage until it is told to fail.
type failing struct {
	*hub.Media
	mu      sync.Mutex
	left    int // deletions that succeed before the failures start
	removed int
}

func (f *failing) Remove(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.left == 0 {
		return errors.New("disk gone away")
	}
	f.left--
	f.removed++
	return f.Media.Remove(name)
}

// A pass that stops between deleting a loan's files and marking them
// (here: a file cannot be deleted) leaves those files gone and the rows
// unmarked; the next pass finds the loan again, tolerates the files
// already gone, and marks them, with one audit row.
func TestAnInterruptedPurgeRunsAgainCleanly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		l := w.loan()
		for i, kind := range hub.IDPhotoKinds() {
			w.photo(l, kind, []byte(fmt.Sprint("photo ", i)), i%2 == 0)
		}
		l = w.move(l, hub.LoanWithdrawn)
		w.setNow(l.PhotosPurgeAt.Add(time.Second))

		broken := &failing{Media: w.media, left: 2}
		res, _, err := w.purgerOver(broken).Once(t.Context())
		if err == nil || !strings.Contains(err.Error(), "disk gone away") || res.Loans != 0 || res.Files != 0 {
			t.Fatalf("interrupted purge: %+v, %v; want the error and nothing marked", res, err)
		}
		gone := 0
		for _, f := range w.files(l) {
			if f.PurgedAt != nil {
				t.Fatalf("row %s marked though the pass failed", f.Kind)
			}
			if !w.media.Has(f.MediaPath) {
				gone++
			}
		}
		if gone != 2 || len(w.purgeAudits()) != 0 {
			t.Fatalf("after the interrupted pass %d files gone, audits %v; want 2 and none", gone, w.purgeAudits())
		}

		if res := w.once(w.purger()); res != (store.LoanPhotoPurge{Loans: 1, Files: 5, Removed: 5}) {
			t.Fatalf("the pass after: %+v, want the loan's 5 files", res)
		}
		w.wantPhotos(l, false)
		if a := w.purgeAudits(); len(a) != 1 || a[fmt.Sprint("loan ", l.ID)] != 1 {
			t.Fatalf("audits %v, want one for the loan", a)
		}
	})
}

// Media storage keeps one file per content: a photo whose content is also
// a chat attachment, or another loan's photo not due yet, is marked purged
// but its file stays for the record that still needs it.
func TestSharedFilesStayForTheirOtherRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		w := newWorld(t, s)
		chat := []byte("the licence, also sent in the chat")
		m := hub.Message{ThreadID: w.f.Thread.ID, Direction: hub.DirectionIn, Body: "licence"}
		if err := s.AddMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		sha, err := w.media.Put(chat)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddAttachment(ctx, &hub.Attachment{MessageID: m.ID, SHA256: sha, Name: "licence.jpg", ContentType: "image/jpeg", SizeBytes: int64(len(chat))}); err != nil {
			t.Fatal(err)
		}
		same := []byte("the same ID, uploaded for two loans")
		first, second := w.loan(), w.loan()
		licence := w.photo(first, hub.IDPhotoLicenceFront, chat, false)
		id := w.photo(first, hub.IDPhotoIDFront, same, false)
		own := w.photo(first, hub.IDPhotoSelfie, []byte("a selfie nobody else has"), false)
		w.photo(second, hub.IDPhotoIDFront, same, false)
		first = w.move(first, hub.LoanWithdrawn)
		second = w.move(second, hub.LoanOut)

		w.setNow(first.PhotosPurgeAt.Add(time.Second))
		if res := w.once(w.purger()); res != (store.LoanPhotoPurge{Loans: 1, Files: 3, Removed: 1, Kept: 2}) {
			t.Fatalf("purge: %+v, want 3 rows marked, 1 file removed, 2 kept", res)
		}
		if !w.media.Has(licence.MediaPath) || !w.media.Has(id.MediaPath) || w.media.Has(own.MediaPath) {
			t.Fatalf("on disk after the purge: chat's %v, second loan's %v, own %v; want true, true, false",
				w.media.Has(licence.MediaPath), w.media.Has(id.MediaPath), w.media.Has(own.MediaPath))
		}
		for _, f := range w.files(first) {
			if f.PurgedAt == nil {
				t.Fatalf("row %s of the purged loan not marked", f.Kind)
			}
		}
		w.wantPhotos(second, true)

		// Once the second loan is over and due, the last record of the
		// shared content goes, and its file with it.
		second = w.move(second, hub.LoanReturned)
		w.setNow(second.PhotosPurgeAt.Add(time.Second))
		if res := w.once(w.purger()); res != (store.LoanPhotoPurge{Loans: 1, Files: 1, Removed: 1}) {
			t.Fatalf("purge of the second loan: %+v", res)
		}
		w.wantPhotos(second, false)
		if !w.media.Has(licence.MediaPath) {
			t.Fatal("the chat attachment's file went with a loan's photos")
		}
	})
}

// Run purges at once and then on its schedule until its context ends.
func TestRunPurgesUntilStopped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		l := w.loan()
		f := w.photo(l, hub.IDPhotoSelfie, []byte("selfie"), false)
		p := w.purger()
		ctx, cancel := context.WithCancel(t.Context())
		stopped := make(chan struct{})
		go func() { p.Run(ctx); close(stopped) }()

		l = w.move(l, hub.LoanWithdrawn)
		w.setNow(l.PhotosPurgeAt.Add(time.Second))
		deadline := time.Now().Add(10 * time.Second)
		for w.media.Has(f.MediaPath) || w.files(l)[0].PurgedAt == nil {
			if time.Now().After(deadline) {
				t.Fatal("Run did not purge the due photo within 10 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	})
}
