package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// The branch's "mark read when an advisor opens the thread" setting is on
// the page, on by default; turned off there, opening the thread sends the
// customer no read receipt; turned on again, it does. Each change is
// audited.
func TestWhatsAppPageTurnsReadReceiptsOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store, backend storetest.Backend) {
		ctx := context.Background()
		h := startWAHub(t, st, backend)
		b := h.signIn(t, "root", store.RoleAdmin)
		if _, page := b.Do(http.MethodGet, "/admin/whatsapp", nil); !strings.Contains(page, `name="mark-read" checked>`) {
			t.Fatalf("a new branch's read receipts are not shown on:\n%s", page)
		}

		// A linked account and a customer message in a thread.
		resp, page := b.Post("/admin/whatsapp/accounts", url.Values{"branch": {"MSK1"}, "name": {"main"}})
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-account", "main")
		acc, err := st.WAAccountByName(ctx, "main")
		if err != nil {
			t.Fatal(err)
		}
		if resp, _ := b.Post("/admin/whatsapp/accounts/"+strconv.FormatInt(acc.ID, 10)+"/link", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link: %d", resp.StatusCode)
		}
		watest.Eventually(t, "a QR code", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.LinkCode != "" })
		h.reg.All()[0].ScanQR()
		watest.Eventually(t, "connected", func() bool { a, _ := st.WAAccount(ctx, acc.ID); return a.State == hub.WAConnected })
		phone := h.reg.For("48500100201")
		customer := watest.PhoneJID("79161234567")
		if !phone.Emit(watest.Direct(customer, "R1", "Иван", watest.Text("Машина готова?"))) {
			t.Fatal("the customer's message was not taken")
		}
		in, err := st.WAInboundByWAID(ctx, acc.ID, customer.String(), "R1")
		if err != nil {
			t.Fatal(err)
		}
		msg, err := st.Message(ctx, in.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		signals := whatsapp.NewSignals(st, h.mgr, whatsapp.SignalOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		t.Cleanup(signals.Wait)
		open := func() []watest.ReadMark { // what the inbox does when an advisor opens the thread
			signals.MarkRead(msg.ThreadID)
			signals.Wait()
			return phone.ReadMarks()
		}
		lastAudit := func() string {
			log, err := st.AuditLog(ctx, 1)
			if err != nil || len(log) == 0 {
				t.Fatalf("audit log: %v", err)
			}
			return log[0].Detail
		}

		// Off: the box is unchecked, the setting stored, no receipt.
		form := url.Values{"leave-days": {"3"}, "invites": {"on"}, "sms-after-hours": {"6"}}
		resp, page = b.Post("/admin/whatsapp/branches/MSK1", form)
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-branch", `name="mark-read">`)
		if w, _ := st.BranchWASettings(ctx, h.branch.ID); w.MarkRead || !w.GroupInvites || w.UndeliveredSMSHours != 6 {
			t.Fatalf("settings after turning read receipts off: %+v", w)
		}
		if d := lastAudit(); !strings.Contains(d, "mark_read=false") {
			t.Fatalf("audit %q", d)
		}
		if marks := open(); len(marks) != 0 {
			t.Fatalf("read receipts with the setting off: %+v", marks)
		}

		// On again: checked, and opening the thread marks the message read.
		form.Set("mark-read", "on")
		resp, page = b.Post("/admin/whatsapp/branches/MSK1", form)
		b.WantRedirect(resp, page, "/admin/whatsapp?done=wa-branch", `name="mark-read" checked>`)
		if d := lastAudit(); !strings.Contains(d, "mark_read=true") {
			t.Fatalf("audit %q", d)
		}
		marks := open()
		if len(marks) != 1 || !slices.Equal(marks[0].IDs, []types.MessageID{"R1"}) || marks[0].Chat != customer {
			t.Fatalf("read receipts with the setting on: %+v", marks)
		}
	})
}
