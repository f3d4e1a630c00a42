package inspectionpdf

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// maxThumbBytes bounds a thumbnail read from the media store: thumbnails
// are small JPEGs (long edge ≤ 480 px); anything bigger is not one.
const maxThumbBytes = 2 << 20

// Data is what Load read: the report and the inspection and work order it
// is about (the caller keeps the PDF against their ids and version).
type Data struct {
	Report     Report
	Inspection hub.Inspection
	WorkOrder  hub.WorkOrder
}

// Load gathers the report of a work order's inspection in locale, dated at
// in the branch's zone loc: items neither hidden nor unchecked, with up to
// MaxThumbs thumbnails each, and the lines that waited for approval with
// their decisions. store.ErrNotFound when the work order has no
// inspection.
func Load(ctx context.Context, st *store.Store, media *hub.Media, workOrderID int64, locale string, loc *time.Location, at time.Time) (Data, error) {
	var d Data
	var err error
	if d.Inspection, err = st.InspectionOf(ctx, workOrderID); err != nil {
		return d, err
	}
	if d.WorkOrder, err = st.WorkOrder(ctx, workOrderID); err != nil {
		return d, err
	}
	w := d.WorkOrder
	b, err := st.Branch(ctx, w.BranchID)
	if err != nil {
		return d, err
	}
	r := Report{Texts: TextsFor(locale), BranchName: b.Name, BranchPhone: b.Phone, WorkOrder: w.Number,
		Date: templates.DateTime(locale, at.In(loc)), Mechanic: d.Inspection.StartedBy}
	if w.VehicleID != nil {
		v, err := st.Vehicle(ctx, *w.VehicleID)
		if err != nil {
			return d, err
		}
		r.Vehicle, r.VIN = v.Title(), v.VIN
	}
	checklist, err := st.Checklist(ctx, d.Inspection.BranchID)
	if err != nil {
		return d, fmt.Errorf("inspection pdf: checklist of branch %d: %w", d.Inspection.BranchID, err)
	}
	var states map[string]string
	if r.Items, states, err = items(ctx, st, media, d.Inspection, checklist, r.Texts.Locale); err != nil {
		return d, err
	}
	lines, err := st.Lines(ctx, w.ID)
	if err != nil {
		return d, err
	}
	for _, l := range lines {
		if !l.NeedsApproval {
			continue
		}
		r.Lines = append(r.Lines, Line{Name: l.Name, Decision: l.Decision, State: states[l.InspectionItem],
			Total: templates.MoneyText(locale, l.TotalMinor, w.Currency)})
	}
	if len(r.Lines) > 0 {
		total, _ := hub.CustomerTotal(w, lines, nil)
		r.Total = templates.MoneyText(locale, total, w.Currency)
	}
	d.Report = r
	return d, nil
}

// items lists the report's items with their thumbnails, named and measured
// in locale, and the state of each shown item by its code (what a line's
// inspection_item names).
// A sent inspection reads as it was sent (what the customer saw and
// decided on); an unsent one, for staff, as it is now.
func items(ctx context.Context, st *store.Store, media *hub.Media, insp hub.Inspection, checklist []hub.ChecklistItem, locale string) ([]Item, map[string]string, error) {
	all, files, err := st.SentInspection(ctx, insp.ID)
	if !insp.Sent() {
		if all, err = st.InspectionItems(ctx, insp.ID); err == nil {
			files, err = st.InspectionMediaOf(ctx, insp.ID)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	thumbs := map[int64][]string{}
	for _, f := range files {
		if f.ThumbSHA256 != "" && len(thumbs[f.ItemID]) < MaxThumbs {
			thumbs[f.ItemID] = append(thumbs[f.ItemID], f.ThumbSHA256)
		}
	}
	var out []Item
	var ids []int64 // the inspection item of each of out
	states := map[string]string{}
	for _, it := range all {
		if !it.Reported() {
			continue
		}
		states[it.Code] = it.State
		out = append(out, Item{Name: hub.ItemName(it, checklist, locale), State: it.State,
			Value: templates.Measurement(locale, it.Value, it.Unit), Note: it.Note})
		ids = append(ids, it.ID)
	}
	// Only the photos the report can show are read (MaxReportThumbs),
	// in the order it draws the items: red, yellow, green.
	read := 0
	for _, state := range hub.StatesWorstFirst() {
		for n := range out {
			if out[n].State != state {
				continue
			}
			for _, sha := range thumbs[ids[n]] {
				if read == MaxReportThumbs {
					break
				}
				data, err := readThumb(media, sha)
				if err != nil {
					return nil, nil, err
				}
				if data != nil {
					out[n].Thumbs = append(out[n].Thumbs, data)
					read++
				}
			}
		}
	}
	return out, states, nil
}

// readThumb reads a thumbnail; nil (no error) for one missing from the
// disk or too big to be a thumbnail, or with no media store at all: the
// report goes out without it.
func readThumb(media *hub.Media, sha string) ([]byte, error) {
	if media == nil || len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return nil, nil
	}
	path := media.Path(sha)
	st, err := os.Stat(path)
	if os.IsNotExist(err) || (err == nil && st.Size() > maxThumbBytes) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inspection pdf: thumbnail %s: %w", sha, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("inspection pdf: thumbnail %s: %w", sha, err)
	}
	return data, nil
}

// FileName is the PDF's name for a download and the kept copy.
func FileName(workOrderNumber string) string {
	return "inspection-" + hub.CleanFileName(workOrderNumber) + ".pdf"
}
