package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/store"
)

// newLead opens a thread with no work order at a branch: an unknown number
// wrote in twice, once with a photo.
func newLead(t *testing.T, w *world, branchID int64, phone string) hub.Thread {
	t.Helper()
	ctx := context.Background()
	lead := hub.Thread{BranchID: branchID, Phone: phone, Channel: hub.ChannelSMS}
	if err := w.h.Store.CreateThread(ctx, &lead); err != nil {
		t.Fatal(err)
	}
	photo := []byte("\xff\xd8 lead photo")
	sum, err := w.media.Put(photo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.h.Store.AddCustomerMessage(ctx, lead, "Здравствуйте, это Иван", hub.ChannelSMS, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.h.Store.AddCustomerMessage(ctx, lead, "Вот царапина", hub.ChannelSMS,
		[]store.InboundFile{{SHA256: sum, Name: "lead.jpg", ContentType: "image/jpeg", SizeBytes: int64(len(photo))}}); err != nil {
		t.Fatal(err)
	}
	return lead
}

func TestMergeLeadIntoWorkOrderThread(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newWorld(t, h)
		if _, err := h.Store.AddCustomerMessage(ctx, w.a, "Когда будет готово?", hub.ChannelSMS, nil); err != nil {
			t.Fatal(err)
		}
		lead := newLead(t, w, h.Branch.ID, "+79031112233")
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", lead.ID)

		resp, page := anna.Do(http.MethodGet, base, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="`+base+`/merge"`) {
			t.Fatalf("lead page lacks the merge form: %d", resp.StatusCode)
		}
		if _, page := anna.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", w.a.ID), nil); strings.Contains(page, "/merge") {
			t.Fatal("a work order's thread offers to merge")
		}
		audits := auditCount(t, h)
		resp, _ = post(anna, base+"/merge", "work_order", " ЗН-1 ")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/inbox/threads/%d", w.a.ID) {
			t.Fatalf("merge: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, err := h.Store.Thread(ctx, lead.ID); err == nil {
			t.Fatal("the lead thread is still there")
		}
		msgs, err := h.Store.Messages(ctx, w.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for i, m := range msgs {
			bodies = append(bodies, m.Body)
			if i > 0 && m.CreatedAt.Before(msgs[i-1].CreatedAt) {
				t.Errorf("messages out of time order: %v", bodies)
			}
		}
		// The work order's own messages, then the lead's, then the merge line.
		n := len(bodies)
		want := []string{"Когда будет готово?", "Здравствуйте, это Иван", "Вот царапина"}
		if n < 4 || !slices.Equal(bodies[n-4:n-1], want) || !strings.HasPrefix(bodies[n-1], "Merged lead thread") {
			t.Fatalf("work-order thread messages: %q", bodies)
		}
		merged := msgs[n-1]
		if merged.Direction != hub.DirectionSystem {
			t.Errorf("merge line is %s, want system", merged.Direction)
		}
		files, err := h.Store.Attachments(ctx, msgs[n-2].ID)
		if err != nil || len(files) != 1 || files[0].Name != "lead.jpg" {
			t.Fatalf("moved photo: %v %v", files, err)
		}
		wo, err := h.Store.WorkOrderByNumber(ctx, h.Node.ID, "ЗН-1")
		if err != nil {
			t.Fatal(err)
		}
		phones, err := h.Store.CustomerPhones(ctx, *wo.CustomerID)
		if err != nil || !slices.Contains(phones, "+79031112233") || !slices.Contains(phones, "+79161234567") {
			t.Fatalf("customer phones: %v %v", phones, err)
		}
		if got := auditCount(t, h); got != audits+1 {
			t.Errorf("audit entries %d → %d, want one more", audits, got)
		}
		evs, err := h.Store.ThreadEventsAfter(ctx, w.a.ID, 0, 100)
		if err != nil || len(evs) == 0 || evs[len(evs)-1].MessageID == nil || *evs[len(evs)-1].MessageID != merged.ID {
			t.Fatalf("no event for the merge line: %+v %v", evs, err)
		}
		resp, page = anna.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d/files/%d", w.a.ID, files[0].ID), nil)
		if resp.StatusCode != http.StatusOK || page != "\xff\xd8 lead photo" {
			t.Fatalf("moved photo under the work-order thread: %d", resp.StatusCode)
		}
	})
}

func TestMergeLeadRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newWorld(t, h)
		lead := newLead(t, w, h.Branch.ID, "+79031112233")
		spbLead := newLead(t, w, w.b.BranchID, "+79035556677")
		anna := w.signIn(t, "anna")
		base := fmt.Sprintf("/inbox/threads/%d", lead.ID)
		before := take(t, h, lead)
		refused := []struct {
			name, path, number string
			status             int
			location           string
		}{
			{"unknown number", base + "/merge", "ЗН-404", http.StatusSeeOther, base + "?err=unknown_order"},
			{"empty number", base + "/merge", "", http.StatusSeeOther, base + "?err=unknown_order"},
			{"work order of another branch", base + "/merge", "ЗН-2", http.StatusSeeOther, base + "?err=unknown_order"},
			{"not a lead", fmt.Sprintf("/inbox/threads/%d/merge", w.a.ID), "ЗН-1", http.StatusSeeOther,
				fmt.Sprintf("/inbox/threads/%d?err=not_lead", w.a.ID)},
			{"lead of another branch", fmt.Sprintf("/inbox/threads/%d/merge", spbLead.ID), "ЗН-1", http.StatusNotFound, ""},
		}
		for _, r := range refused {
			t.Run(r.name, func(t *testing.T) {
				resp, _ := post(anna, r.path, "work_order", r.number)
				if resp.StatusCode != r.status || resp.Header.Get("Location") != r.location {
					t.Fatalf("%d %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), r.status, r.location)
				}
			})
		}
		if after := take(t, h, lead); !sameSnapshot(before, after) {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := h.Store.Thread(context.Background(), spbLead.ID); err != nil {
			t.Fatalf("B's lead: %v", err)
		}
		_, page := anna.Do(http.MethodGet, base+"?err=unknown_order", nil)
		if !strings.Contains(page, "No work order with that number at this branch.") {
			t.Error("the refusal is not explained on the page")
		}
	})
}
