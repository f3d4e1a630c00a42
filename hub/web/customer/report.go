package customer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// The inspection report on the customer's page: the items the mechanic
// marked, worst first, with their photos, videos, measurements and notes.
// Only a sent inspection shows, and only its items with a state that the
// advisor did not hide.

// reportData is the stored inspection behind the report.
type reportData struct {
	insp      hub.Inspection
	items     []hub.InspectionItem
	media     []hub.InspectionMedia
	checklist []hub.ChecklistItem // the branch's: item names in the customer's language
}

// loadReport reads the work order's inspection when it was sent; ok is
// false when there is none to show.
func loadReport(ctx context.Context, st *store.Store, workOrderID int64) (reportData, bool, error) {
	var d reportData
	var err error
	d.insp, err = st.InspectionOf(ctx, workOrderID)
	if errors.Is(err, store.ErrNotFound) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	if !d.insp.Sent() {
		return d, false, nil
	}
	// What the advisor sent, not what was edited since.
	if d.items, d.media, err = st.SentInspection(ctx, d.insp.ID); err != nil {
		return d, false, err
	}
	if d.checklist, err = st.Checklist(ctx, d.insp.BranchID); err != nil {
		return d, false, fmt.Errorf("checklist of branch %d: %w", d.insp.BranchID, err)
	}
	return d, true, nil
}

// reportView is the report's part of the work-order section.
type reportView struct {
	Groups []itemGroup
	Count  int // items shown
}

type itemGroup struct {
	State string // hub.ItemRed, ItemYellow, ItemGreen
	Title string
	Items []*itemView
}

type itemView struct {
	ID        int64
	Code      string
	Name      string
	State     string
	StateText string // the urgency in the customer's words
	Value     string // measurement with its unit, in the customer's notation
	Note      string // the mechanic's "why"
	Photos    []mediaView
	Videos    []mediaView
}

type mediaView struct {
	ID  int64
	URL string // the full file
	// Thumb is a small JPEG; "" when none was made (HEIC, a photo over
	// the decompression-bomb guard): the page links the file instead of
	// loading up to 20 MB, or a picture it cannot draw, as a thumbnail.
	Thumb string
	Name  string
	Type  string
	Group string // the item's id: the enlarged view swipes within it
}

// report words the inspection for this viewer. byCode maps item codes to
// their views, for the lines that price them.
func (l *loader) report(d reportData) (reportView, map[string]*itemView) {
	var r reportView
	byCode := map[string]*itemView{}
	mediaOf := map[int64][]hub.InspectionMedia{}
	for _, m := range d.media {
		mediaOf[m.ItemID] = append(mediaOf[m.ItemID], m)
	}
	groups := map[string]*itemGroup{}
	for _, s := range hub.StatesWorstFirst() {
		groups[s] = &itemGroup{State: s, Title: templates.StateHeading(l.locale, s)}
	}
	for _, it := range d.items {
		g := groups[it.State]
		if !it.Reported() || g == nil {
			continue
		}
		iv := &itemView{ID: it.ID, Code: it.Code, Name: hub.WithoutDirectionOverrides(hub.ItemName(it, d.checklist, l.locale)),
			State: it.State, StateText: templates.StateWord(l.locale, it.State),
			Value: templates.Measurement(l.locale, it.Value, hub.WithoutDirectionOverrides(it.Unit)), Note: hub.WithoutDirectionOverrides(it.Note)}
		for _, m := range mediaOf[it.ID] {
			mv := mediaView{ID: m.ID, URL: fmt.Sprintf("%s/inspection/media/%d", l.v.base, m.ID), Name: m.Name,
				Type: m.ContentType, Group: fmt.Sprintf("item-%d", it.ID)}
			if m.ThumbSHA256 != "" {
				mv.Thumb = mv.URL + "/thumb"
			}
			if strings.HasPrefix(m.ContentType, "video/") {
				iv.Videos = append(iv.Videos, mv)
				continue
			}
			iv.Photos = append(iv.Photos, mv)
		}
		g.Items = append(g.Items, iv)
		byCode[it.Code] = iv
		r.Count++
	}
	for _, s := range hub.StatesWorstFirst() {
		if len(groups[s].Items) > 0 {
			r.Groups = append(r.Groups, *groups[s])
		}
	}
	return r, byCode
}

// urgencyRank orders lines to approve: red evidence first, then yellow,
// then lines without evidence.
func urgencyRank(lv lineView) int {
	if lv.Item == nil {
		return 2
	}
	switch lv.Item.State {
	case hub.ItemRed:
		return 0
	case hub.ItemYellow:
		return 1
	}
	return 2
}

func sortByUrgency(lines []lineView) {
	slices.SortStableFunc(lines, func(a, b lineView) int { return urgencyRank(a) - urgencyRank(b) })
}
