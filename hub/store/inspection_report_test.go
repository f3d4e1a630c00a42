package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// TestAddInspectionReportOncePerVersion: fifteen confirms at once keep one
// note with the PDF and one inspection_report change; a new version of the
// work order keeps another; an unsent inspection and another thread keep
// nothing.
func TestAddInspectionReportOncePerVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := context.Background()
		f := storetest.NewFixture(t, s)
		insp, err := s.StartInspection(ctx, f.Thread, "Ivan")
		if err != nil {
			t.Fatal(err)
		}
		file := store.InboundFile{SHA256: "ab12", Name: "inspection-1.pdf", ContentType: "application/pdf", SizeBytes: 1234}
		err = s.AddInspectionReport(ctx, f.Thread.ID, f.Order.ID, insp.ID, 1, file)
		if !errors.Is(err, store.ErrInspectionNotSent) {
			t.Fatalf("unsent inspection: %v", err)
		}
		if err := s.Gorm(ctx).Exec("UPDATE inspections SET revision = 1 WHERE id = ?", insp.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendInspection(ctx, insp.ID, "Anna"); err != nil {
			t.Fatal(err)
		}
		other := hub.Thread{BranchID: f.Branch.ID, Phone: "+79160000000", Channel: hub.ChannelSMS}
		if err := s.CreateThread(ctx, &other); err != nil {
			t.Fatal(err)
		}
		if err := s.AddInspectionReport(ctx, other.ID, f.Order.ID, insp.ID, 1, file); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a thread of no work order: %v", err)
		}
		if err := s.AddInspectionReport(ctx, f.Thread.ID, f.Order.ID, insp.ID+1, 1, file); !errors.Is(err, store.ErrInspectionNotSent) {
			t.Fatalf("another inspection's id: %v", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 15)
		for n := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[n] = s.AddInspectionReport(ctx, f.Thread.ID, f.Order.ID, insp.ID, 1, file)
			}()
		}
		wg.Wait()
		for n, err := range errs {
			if err != nil {
				t.Fatalf("confirm %d: %v", n, err)
			}
		}
		if kept, err := s.InspectionReportKept(ctx, f.Thread.ID, insp.ID, 1); err != nil || !kept {
			t.Fatalf("kept: %v %v", kept, err)
		}
		if kept, err := s.InspectionReportKept(ctx, f.Thread.ID, insp.ID, 2); err != nil || kept {
			t.Fatalf("version 2 kept before it was: %v %v", kept, err)
		}
		if err := s.AddInspectionReport(ctx, f.Thread.ID, f.Order.ID, insp.ID, 2, file); err != nil {
			t.Fatal(err)
		}
		changes, err := s.ChangesAfter(ctx, []int64{f.Branch.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var versions []int64
		for _, c := range changes {
			if c.Type != hub.ChangeInspectionReport {
				continue
			}
			var d hub.InspectionReportData
			if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
				t.Fatal(err)
			}
			if d.InspectionID != insp.ID || d.File.URL != "/api/dms/v1/files/ab12" || d.File.SizeBytes != 1234 ||
				c.WorkOrderNumber != f.Order.Number {
				t.Fatalf("change %+v: %+v", c, d)
			}
			versions = append(versions, d.Version)
		}
		if len(versions) != 2 || versions[0] != 1 || versions[1] != 2 {
			t.Fatalf("inspection_report changes for versions %v, want [1 2]", versions)
		}
		msgs, err := s.Messages(ctx, f.Thread.ID)
		if err != nil {
			t.Fatal(err)
		}
		notes := 0
		for _, m := range msgs {
			if m.Direction != hub.DirectionNote {
				continue
			}
			notes++
			files, err := s.Attachments(ctx, m.ID)
			if err != nil || len(files) != 1 || files[0].DocKind != store.DocInspectionReport || files[0].SHA256 != "ab12" {
				t.Fatalf("note %q: files %+v %v", m.Body, files, err)
			}
		}
		if notes != 2 {
			t.Fatalf("%d notes, want 2", notes)
		}
		if msgs, _ := s.Messages(ctx, other.ID); len(msgs) != 0 {
			t.Fatalf("the other thread got %d messages", len(msgs))
		}
	})
}
