package store

import (
	"context"
	"errors"
	"fmt"

	"naryad/hub"
)

// DocInspectionReport is the doc_kind of the PDF kept with a work order
// once the customer confirmed their decisions on its inspection.
const DocInspectionReport = "inspection_report"

// ErrInspectionNotSent says the work order has no inspection the customer
// was shown: there is no report to keep.
var ErrInspectionNotSent = errors.New("work order has no sent inspection")

// AddInspectionReport keeps the PDF f (already in the media store) of
// inspection inspectionID as a staff note with the file attached (doc_kind
// inspection_report) and tells the DMS through an inspection_report
// change, in one transaction. It is done once per inspection and version
// of the work order: the note carries the form key
// "inspection_report:<inspection>:<version>", whose unique index turns a
// second copy (a second confirm, fifteen at once) into nothing stored and
// no error.
func (s *Store) AddInspectionReport(ctx context.Context, threadID, workOrderID, inspectionID, version int64, f InboundFile) error {
	key := fmt.Sprintf("inspection_report:%d:%d", inspectionID, version)
	err := s.Tx(ctx, func(tx *Store) error {
		// The note touches the thread before the change is numbered: the
		// counter first (see LockChangeFeed); it also queues the copies, so
		// the key check below sees the first one committed.
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if err := tx.checkFormKey(ctx, threadID, key); err != nil {
			return err
		}
		t, err := tx.Thread(ctx, threadID)
		if err != nil {
			return err
		}
		if t.WorkOrderID == nil || *t.WorkOrderID != workOrderID {
			return fmt.Errorf("inspection report: thread %d is not of work order %d: %w", threadID, workOrderID, ErrNotFound)
		}
		i, err := tx.InspectionOf(ctx, workOrderID)
		if errors.Is(err, ErrNotFound) || (err == nil && (i.ID != inspectionID || !i.Sent())) {
			return fmt.Errorf("inspection report of work order %d: %w", workOrderID, ErrInspectionNotSent)
		}
		if err != nil {
			return err
		}
		w, err := tx.WorkOrder(ctx, workOrderID)
		if err != nil {
			return err
		}
		b, err := tx.Branch(ctx, t.BranchID)
		if err != nil {
			return err
		}
		note := hub.Message{ThreadID: threadID, Direction: hub.DirectionNote, Author: "naryad",
			Body: fmt.Sprintf(reportNote(b.Locale), w.Number, version)}
		if err := tx.AddMessage(ctx, &note); err != nil {
			return err
		}
		if err := tx.setFormKey(ctx, note, key); err != nil {
			return err
		}
		a := hub.Attachment{MessageID: note.ID, SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType,
			SizeBytes: f.SizeBytes, DocKind: DocInspectionReport}
		if err := tx.AddAttachment(ctx, &a); err != nil {
			return err
		}
		c := hub.Change{BranchID: t.BranchID, WorkOrderID: &w.ID, WorkOrderNumber: w.Number}
		return tx.AppendChange(ctx, &c, hub.InspectionReportData{InspectionID: inspectionID, Version: version,
			File: hub.InspectionFileData{Name: f.Name, ContentType: f.ContentType, SizeBytes: f.SizeBytes,
				SHA256: f.SHA256, URL: hub.DMSFileURL(f.SHA256)}})
	})
	if errors.Is(err, ErrDuplicateForm) {
		return nil // kept already for this version
	}
	return err
}

// reportNote is the staff note's text in the branch's language: the work
// order's number and version.
func reportNote(locale string) string {
	switch locale {
	case "pl":
		return "Klient potwierdził decyzje: raport z przeglądu zlecenia %s (wersja %d) w PDF"
	case "en":
		return "The customer confirmed their decisions: inspection report of work order %s (version %d) as PDF"
	}
	return "Клиент подтвердил решения: отчёт об осмотре по заказ-наряду %s (версия %d) в PDF"
}

// InspectionReportKept tells whether the PDF of this inspection and
// version is kept already, so the caller need not render it again.
func (s *Store) InspectionReportKept(ctx context.Context, threadID, inspectionID, version int64) (bool, error) {
	err := s.checkFormKey(ctx, threadID, fmt.Sprintf("inspection_report:%d:%d", inspectionID, version))
	if errors.Is(err, ErrDuplicateForm) {
		return true, nil
	}
	return false, err
}
