package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/templates"
)

// loanOut stores a car with plate and a loan of it that is out, fuel 6/8
// and 12 000 km at the handover.
func loanOut(t *testing.T, s *store.Store, f storetest.Fixture, plate string) hub.Loan {
	t.Helper()
	ctx := context.Background()
	car := hub.CourtesyCar{BranchID: f.Branch.ID, Plate: plate, Model: "Kia Rio", Fuel: hub.FuelPetrol}
	if err := s.AddCourtesyCar(ctx, &car); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l := hub.Loan{BranchID: f.Branch.ID, ThreadID: f.Thread.ID, WorkOrderID: &f.Order.ID, CarID: car.ID, TokenHash: "hash-" + plate,
		Locale: "ru", CustomerName: "Иван Петров", CustomerPhone: "+79161234567", HandoverAt: at, DueBackAt: at.Add(24 * time.Hour),
		FuelEighths: 6, OdometerKm: 12000, IdentityMethod: hub.IdentityManual, OfferedBy: "Ольга"}
	if err := s.CreateLoan(ctx, &l); err != nil {
		t.Fatal(err)
	}
	l, err := s.ChangeLoan(ctx, l.ID, hub.LoanEventOut, func(x *hub.Loan) error {
		x.State, x.OutAt = hub.LoanOut, &at
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// returnLoan moves a loan to returned as the desk does (fuel and km set)
// or, with fuel nil, as the locker's drop-off does (nobody read the gauge).
func returnLoan(s *store.Store, id int64, fuel *int, km int) (hub.Loan, error) {
	return s.ChangeLoan(context.Background(), id, hub.LoanEventReturned, func(x *hub.Loan) error {
		if x.State != hub.LoanOut {
			return store.ErrLoanMove
		}
		at := time.Now().UTC()
		x.State, x.ReturnedAt = hub.LoanReturned, &at
		if fuel != nil {
			x.ReturnFuelEighths, x.ReturnOdometerKm = fuel, &km
		}
		return nil
	})
}

func returnTasks(t *testing.T, s *store.Store, f storetest.Fixture) []store.StaffTask {
	t.Helper()
	all, err := s.OpenStaffTasks(context.Background(), f.Branch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.StaffTask
	for _, task := range all {
		if task.Kind == store.TaskLoanReturn {
			out = append(out, task)
		}
	}
	return out
}

func linesWith(t *testing.T, s *store.Store, f storetest.Fixture, key string) []hub.Message {
	t.Helper()
	msgs, err := s.Messages(context.Background(), f.Thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hub.Message
	for _, m := range msgs {
		if m.TextKey == key {
			out = append(out, m)
		}
	}
	return out
}

func ptr(n int) *int { return &n }

// A car photo per loan, set and kind: a retake replaces the row (and is
// returned, for its file), whatever the number sent at once; a set or
// kind not of the car photos is refused; MediaUnused counts car photos.
func TestLoanCarPhotosOnePerKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := loanOut(t, s, f, "WA 100")
		sum := func(i int) string { return fmt.Sprintf("%064x", i) }
		put := func(set, kind string, i int) (*hub.LoanCarPhoto, error) {
			return s.PutLoanCarPhoto(ctx, &hub.LoanCarPhoto{LoanID: l.ID, PhotoSet: set, Kind: kind, MediaPath: sum(i),
				ContentType: "image/jpeg", SizeBytes: 100, SHA256: sum(i), TakenBy: hub.CarPhotoByCustomer})
		}
		if old, err := put(hub.CarPhotoPickup, hub.CarPhotoFront, 1); err != nil || old != nil {
			t.Fatalf("first photo: replaced %+v, %v", old, err)
		}
		if unused, err := s.MediaUnused(ctx, sum(1)); err != nil || unused {
			t.Fatalf("a car photo's file is unused: %v %v", unused, err)
		}
		old, err := put(hub.CarPhotoPickup, hub.CarPhotoFront, 2)
		if err != nil || old == nil || old.SHA256 != sum(1) {
			t.Fatalf("retake: replaced %+v, %v", old, err)
		}
		if unused, _ := s.MediaUnused(ctx, sum(1)); !unused {
			t.Error("the replaced photo's file is still counted as used")
		}
		if _, err := put(hub.CarPhotoReturn, hub.CarPhotoOdometer, 3); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][2]string{{"handover", hub.CarPhotoFront}, {hub.CarPhotoPickup, "roof"}, {"", ""}} {
			if _, err := put(bad[0], bad[1], 9); !errors.Is(err, store.ErrNoSuchCarPhoto) {
				t.Errorf("photo %q/%q: %v, want ErrNoSuchCarPhoto", bad[0], bad[1], err)
			}
		}

		// Fifteen retakes of one kind at once: each stored, one current.
		var wg sync.WaitGroup
		errs := make([]error, 15)
		for i := range 15 {
			wg.Go(func() { _, errs[i] = put(hub.CarPhotoReturn, hub.CarPhotoFuel, 100+i) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("retake %d at once: %v", i, err)
			}
		}
		photos, err := s.LoanCarPhotos(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range photos {
			got = append(got, p.PhotoSet+"/"+p.Kind)
		}
		if strings.Join(got, " ") != "pickup/front return/fuel return/odometer" {
			t.Fatalf("current photos %v", got)
		}
		if photos[0].SHA256 != sum(2) || photos[0].CreatedAt.IsZero() {
			t.Errorf("pickup front %+v, want the retake", photos[0])
		}
		if _, err := s.StaffLoanCarPhoto(ctx, []int64{f.Branch.ID}, l.ID, hub.CarPhotoReturn, hub.CarPhotoOdometer); err != nil {
			t.Errorf("own branch's photo: %v", err)
		}
		if _, err := s.StaffLoanCarPhoto(ctx, []int64{f.Branch.ID + 100}, l.ID, hub.CarPhotoReturn, hub.CarPhotoOdometer); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another branch's photo: %v, want ErrNotFound", err)
		}
		if _, err := s.LoanCarPhoto(ctx, l.ID, hub.CarPhotoPickup, hub.CarPhotoBack); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a photo never taken: %v, want ErrNotFound", err)
		}
	})
}

// The return check, the same for every path to returned (it runs in
// ChangeLoan): less fuel than at the handover, or damage ticked by the
// customer, opens one task and a line; a full tank and no damage opens
// none; a second return, or the loan closed afterwards, never a second.
func TestLoanReturnCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)

		// At the desk with less fuel (5/8, it left with 6/8).
		less := loanOut(t, s, f, "WA 201")
		if _, err := returnLoan(s, less.ID, ptr(5), 12500); err != nil {
			t.Fatal(err)
		}
		tasks := returnTasks(t, s, f)
		if len(tasks) != 1 {
			t.Fatalf("tasks after a return with less fuel: %+v, want one", tasks)
		}
		task := tasks[0]
		wantTitle := "Подменный автомобиль WA 201 вернулся: проверьте — топливо 5/8 (при выдаче 6/8), заказ-наряд ЗН-0001234"
		if task.Title != wantTitle || task.ThreadID == nil || *task.ThreadID != f.Thread.ID ||
			task.Body != fmt.Sprintf("Иван Петров +79161234567 · /inbox/threads/%d#loan-%d", f.Thread.ID, less.ID) {
			t.Errorf("task %+v\nwant title %q", task, wantTitle)
		}
		lines := linesWith(t, s, f, templates.SysLoanReturnCheck)
		if len(lines) != 1 {
			t.Fatalf("return check lines %d, want 1", len(lines))
		}
		if got := lines[0].Text("en"); got !=
			"Task: courtesy car WA 201 (Kia Rio) came back with less fuel: 5/8, 6/8 at the handover. Compare the photos of the handover and the return on the courtesy car's card." {
			t.Errorf("line in English: %q", got)
		}
		r, err := s.LoanReturnReport(ctx, less.ID)
		if err != nil || r.TaskID == nil || *r.TaskID != task.ID || r.CheckedAt == nil || r.ReportedAt != nil {
			t.Errorf("report of the desk return: %+v %v", r, err)
		}

		// Twice: the return again is refused, closing it opens nothing.
		if _, err := returnLoan(s, less.ID, ptr(1), 12600); !errors.Is(err, store.ErrLoanMove) {
			t.Errorf("second return: %v, want ErrLoanMove", err)
		}
		if _, err := s.ChangeLoan(ctx, less.ID, "", func(x *hub.Loan) error { x.State = hub.LoanClosed; return nil }); err != nil {
			t.Fatal(err)
		}
		if n := len(returnTasks(t, s, f)); n != 1 {
			t.Errorf("tasks after the second return and the close: %d, want 1", n)
		}

		// Through the locker, the customer having ticked damage (twice:
		// the second reading replaces the first): the customer's reading
		// becomes the loan's, one task.
		damaged := loanOut(t, s, f, "WA 202")
		for _, note := range []string{"царапина", "царапина на заднем бампере"} {
			if _, err := s.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: damaged.ID, FuelEighths: ptr(6), OdometerKm: ptr(12345),
				Damage: true, DamageNote: note}); err != nil {
				t.Fatal(err)
			}
		}
		back, err := returnLoan(s, damaged.ID, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if back.ReturnFuelEighths == nil || *back.ReturnFuelEighths != 6 || back.ReturnOdometerKm == nil || *back.ReturnOdometerKm != 12345 {
			t.Errorf("the locker's return took %v/%v, want the customer's 6/8 and 12345 km", back.ReturnFuelEighths, back.ReturnOdometerKm)
		}
		if got := loanFeedReturn(t, s, f, damaged.ID); got != "6 12345" {
			t.Errorf("the returned change carries %q, want the customer's reading", got)
		}
		tasks = returnTasks(t, s, f)
		if len(tasks) != 2 || tasks[1].Title != "Подменный автомобиль WA 202 вернулся: проверьте — клиент отметил повреждения, заказ-наряд ЗН-0001234" {
			t.Fatalf("tasks after a return with damage: %+v", tasks)
		}
		lines = linesWith(t, s, f, templates.SysLoanReturnCheck)
		if got := lines[len(lines)-1].Text("pl"); got !=
			"Zadanie: samochód zastępczy WA 202 (Kia Rio) wrócił; klient zgłosił uszkodzenia: «царапина на заднем бампере». Porównaj zdjęcia z wydania i zwrotu w karcie samochodu zastępczego." {
			t.Errorf("line in Polish: %q", got)
		}

		// A full tank, no damage: no task, the check recorded.
		fine := loanOut(t, s, f, "WA 203")
		if _, err := s.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: fine.ID, FuelEighths: ptr(8), OdometerKm: ptr(12001),
			DamageNote: "a note without the tick is dropped"}); err != nil {
			t.Fatal(err)
		}
		if _, err := returnLoan(s, fine.ID, ptr(6), 12001); err != nil {
			t.Fatal(err)
		}
		if n := len(returnTasks(t, s, f)); n != 2 {
			t.Errorf("tasks after a fine return: %d, want still 2", n)
		}
		if r, _ := s.LoanReturnReport(ctx, fine.ID); r.CheckedAt == nil || r.TaskID != nil || r.DamageNote != "" || *r.FuelEighths != 8 {
			t.Errorf("report of a fine return %+v", r)
		}
		// The desk's reading wins over the customer's: 6/8 is not less.
		if got := loanFeedReturn(t, s, f, fine.ID); got != "6 12001" {
			t.Errorf("fine return's change %q", got)
		}
		if n := len(linesWith(t, s, f, templates.SysLoanReturnCheck)); n != 2 {
			t.Errorf("return check lines %d, want 2", n)
		}
	})
}

// The customer's reading is refused when it cannot be, or once the car is
// back, and nothing is kept.
func TestLoanReturnReportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		l := loanOut(t, s, f, "WA 301")
		for name, r := range map[string]hub.LoanReturnReport{
			"odometer below the handover": {FuelEighths: ptr(4), OdometerKm: ptr(11999)},
			"fuel over full":              {FuelEighths: ptr(9), OdometerKm: ptr(12001)},
			"fuel below empty":            {FuelEighths: ptr(-1), OdometerKm: ptr(12001)},
			"odometer beyond any car":     {FuelEighths: ptr(4), OdometerKm: ptr(hub.MaxOdometerKm + 1)},
			"no fuel":                     {OdometerKm: ptr(12001)},
			"note too long":               {FuelEighths: ptr(4), OdometerKm: ptr(12001), Damage: true, DamageNote: strings.Repeat("я", hub.MaxDamageNote+1)},
			"note not text":               {FuelEighths: ptr(4), OdometerKm: ptr(12001), Damage: true, DamageNote: "\xff\xfe"},
			"note with NUL":               {FuelEighths: ptr(4), OdometerKm: ptr(12001), Damage: true, DamageNote: "a\x00b"},
		} {
			r.LoanID = l.ID
			if _, err := s.ReportLoanReturn(ctx, r); !errors.Is(err, store.ErrReturnReading) {
				t.Errorf("%s: %v, want ErrReturnReading", name, err)
			}
		}
		if r, _ := s.LoanReturnReport(ctx, l.ID); r.ReportedAt != nil {
			t.Errorf("a refused reading was kept: %+v", r)
		}
		if _, err := returnLoan(s, l.ID, ptr(6), 12100); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportLoanReturn(ctx, hub.LoanReturnReport{LoanID: l.ID, FuelEighths: ptr(1), OdometerKm: ptr(12200), Damage: true}); !errors.Is(err, store.ErrLoanMove) {
			t.Errorf("a reading after the return: %v, want ErrLoanMove", err)
		}
		if n := len(returnTasks(t, s, f)); n != 0 {
			t.Errorf("tasks %d, want none", n)
		}
	})
}

// loanFeedReturn is "<fuel> <km>" of the loan's returned change.
func loanFeedReturn(t *testing.T, s *store.Store, f storetest.Fixture, id int64) string {
	t.Helper()
	changes, err := s.ChangesAfter(context.Background(), []int64{f.Branch.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		var d hub.LoanData
		if c.Type != hub.ChangeLoan || json.Unmarshal([]byte(c.Data), &d) != nil || d.LoanID != id || d.Event != hub.LoanEventReturned {
			continue
		}
		if d.ReturnFuelEighths == nil || d.ReturnOdometerKm == nil {
			return "none"
		}
		return fmt.Sprintf("%d %d", *d.ReturnFuelEighths, *d.ReturnOdometerKm)
	}
	return ""
}
