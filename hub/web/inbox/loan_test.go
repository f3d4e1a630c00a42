package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/templates"
)

// loanWorld is the inbox's world with a courtesy car at each branch (A's
// with a second one, retired), branch A asking a deposit with its own
// Russian terms.
type loanWorld struct {
	*world
	car, carB, retired hub.CourtesyCar
	url                string // A's thread page
}

func newLoanWorld(t *testing.T, h *apptest.Hub) loanWorld {
	t.Helper()
	ctx := context.Background()
	w := loanWorld{world: newWorld(t, h)}
	w.url = fmt.Sprintf("/inbox/threads/%d", w.a.ID)
	add := func(branch int64, plate, model string) hub.CourtesyCar {
		car := hub.CourtesyCar{BranchID: branch, Plate: plate, Model: model, Fuel: hub.FuelPetrol}
		if err := h.Store.AddCourtesyCar(ctx, &car); err != nil {
			t.Fatal(err)
		}
		return car
	}
	w.car = add(w.a.BranchID, "А 777 АА 77", "Škoda Rapid")
	w.carB = add(w.b.BranchID, "В 555 ВВ 78", "Kia Rio")
	w.retired = add(w.a.BranchID, "Е 111 ЕЕ 77", "Lada Vesta")
	if err := h.Store.RetireCourtesyCar(ctx, w.a.BranchID, w.retired.ID); err != nil {
		t.Fatal(err)
	}
	set := hub.DefaultLoanSettings(w.a.BranchID)
	set.DepositMinor, set.DepositCurrency, set.TermsRU, set.TermsEN = 1_500_000, "RUB", "Свои условия филиала", "Branch terms"
	if err := h.Store.SetLoanSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	return w
}

// offerFields is a valid offer of car: from in an hour, back two days
// later, on the branch's clock.
func (w loanWorld) offerFields(car hub.CourtesyCar) []string {
	start := time.Now().In(w.h.Branch.Location()).Add(time.Hour).Truncate(time.Minute)
	return []string{"car", strconv.FormatInt(car.ID, 10), "handover", start.Format("2006-01-02T15:04"),
		"due_back", start.Add(48 * time.Hour).Format("2006-01-02T15:04"), "fuel", "6", "odometer", "12 345"}
}

// with is fields with name set to value.
func with(fields []string, name, value string) []string {
	out := append([]string(nil), fields...)
	for i := 0; i+1 < len(out); i += 2 {
		if out[i] == name {
			out[i+1] = value
		}
	}
	return out
}

// loanCounts is what any loan action could have written.
type loanCounts struct {
	loans, messages, outbox, audit, changes int64
	carState                                string
}

func (w loanWorld) counts(t *testing.T) loanCounts {
	t.Helper()
	ctx := context.Background()
	db := w.h.Store.Gorm(ctx)
	var n loanCounts
	for _, c := range []struct {
		table, where string
		args         []any
		n            *int64
	}{
		{"loans", "1 = 1", nil, &n.loans},
		{"messages", "thread_id = ?", []any{w.a.ID}, &n.messages},
		{"outbox", "1 = 1", nil, &n.outbox},
		{"audit_log", "action LIKE ?", []any{"loan_%"}, &n.audit},
		{"changes", "type = ?", []any{hub.ChangeLoan}, &n.changes},
	} {
		if err := db.Table(c.table).Where(c.where, c.args...).Count(c.n).Error; err != nil {
			t.Fatal(err)
		}
	}
	car, err := w.h.Store.CourtesyCar(ctx, w.car.BranchID, w.car.ID)
	if err != nil {
		t.Fatal(err)
	}
	n.carState = car.State
	return n
}

// onlyLoan is the one loan of A's thread.
func (w loanWorld) onlyLoan(t *testing.T) hub.Loan {
	t.Helper()
	ls, err := w.h.Store.LoansOfThread(context.Background(), w.a.ID)
	if err != nil || len(ls) != 1 {
		t.Fatalf("loans of the thread: %+v %v, want one", ls, err)
	}
	return ls[0]
}

// lastOutbox is the body of the newest message queued to a customer.
func (w loanWorld) lastOutbox(t *testing.T) hub.OutboxItem {
	t.Helper()
	var o hub.OutboxItem
	if err := w.h.Store.Gorm(context.Background()).Table("outbox").Order("id DESC").Take(&o).Error; err != nil {
		t.Fatal(err)
	}
	return o
}

// lastLine is the newest system line of A's thread.
func (w loanWorld) lastLine(t *testing.T) hub.Message {
	t.Helper()
	var m hub.Message
	err := w.h.Store.Gorm(context.Background()).Where("thread_id = ? AND direction = ?", w.a.ID, hub.DirectionSystem).Order("id DESC").Take(&m).Error
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// loanEvents are the events of the feed's loan changes, oldest first.
func (w loanWorld) loanEvents(t *testing.T) []string {
	t.Helper()
	changes, err := w.h.Store.ChangesAfter(context.Background(), []int64{w.a.BranchID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range changes {
		if c.Type == hub.ChangeLoan {
			var d struct{ Event string }
			if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
				t.Fatal(err)
			}
			out = append(out, d.Event)
		}
	}
	return out
}

var loanLink = regexp.MustCompile(`https://hub\.example\.test/l/(nrd_[A-Za-z0-9_-]+)`)

// offer offers w.car as anna and returns the loan.
func (w loanWorld) offer(t *testing.T, anna *browser) hub.Loan {
	t.Helper()
	resp, page := post(anna, w.url+"/loans", w.offerFields(w.car)...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: %d\n%s", resp.StatusCode, page)
	}
	return w.onlyLoan(t)
}

// The advisor offers a car from the thread: the loan holds the terms of
// the branch's settings in the customer's language, the car is reserved,
// the customer gets the link on the thread's channel, and the thread, the
// audit log and the DMS feed say so; the card then shows the loan.
func TestLoanOfferSendsTheCustomerTheLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		_, page := anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{"Подменный автомобиль", "Škoda Rapid А 777 АА 77", `action="` + w.url + `/loans"`, "loan_card"} {
			if !strings.Contains(page, want) {
				t.Errorf("the thread page lacks %q", want)
			}
		}
		for _, not := range []string{"Lada Vesta", "Kia Rio"} {
			if strings.Contains(page, not) {
				t.Errorf("the offer form offers %q (retired, or another branch's)", not)
			}
		}
		fields := w.offerFields(w.car)
		resp, _ := post(anna, w.url+"/loans", fields...)
		anna.WantRedirect(resp, "", w.url+"?loan=offered#loans", "Предложение отправлено клиенту.")

		l := w.onlyLoan(t)
		handover, _ := time.ParseInLocation("2006-01-02T15:04", fields[3], h.Branch.Location())
		if l.State != hub.LoanOffered || l.CarID != w.car.ID || !l.HandoverAt.Equal(handover) || !l.DueBackAt.Equal(handover.Add(48*time.Hour)) ||
			l.FuelEighths != 6 || l.OdometerKm != 12345 || l.Locale != "ru" || l.Terms != "Свои условия филиала" ||
			l.CustomerName != "Иван Петров" || l.CustomerPhone != "+79161234567" || l.IdentityMethod != hub.IdentityManual ||
			l.DepositMinor != 1_500_000 || l.DepositCurrency != "RUB" || l.DepositStatus != hub.DepositRequired ||
			l.OfferedBy != "Анна" || l.WorkOrderID == nil || *l.WorkOrderID != *w.a.WorkOrderID {
			t.Fatalf("offered loan %+v", l)
		}
		if n := w.counts(t); n.carState != hub.CarReserved || n.audit != 1 || n.changes != 1 {
			t.Fatalf("after the offer %+v", n)
		}
		out := w.lastOutbox(t)
		m := loanLink.FindStringSubmatch(out.Body)
		if out.Recipient != "+79161234567" || out.Channel != w.a.Channel || m == nil || !strings.Contains(out.Body, "подменный автомобиль Škoda Rapid А 777 АА 77") {
			t.Fatalf("customer message %+v", out)
		}
		if byToken, err := h.Store.LoanByToken(ctx, m[1]); err != nil || byToken.ID != l.ID {
			t.Fatalf("the link's token opens %+v %v", byToken, err)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanOffered || !strings.Contains(line.Text("ru"), "Анна предложил(а) подменный автомобиль Škoda Rapid А 777 АА 77") {
			t.Fatalf("system line %q %q", line.TextKey, line.Text("ru"))
		}
		if ev := w.loanEvents(t); len(ev) != 1 || ev[0] != hub.LoanEventOffered {
			t.Fatalf("loan changes %v", ev)
		}

		_, page = anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{"предложен", "ожидаем документы", "не подписан", "15\u00a0000,00\u00a0₽", "топливо 6/8 · 12345 км",
			"/loans/" + strconv.FormatInt(l.ID, 10) + "/withdraw",
			"Для выдачи ключа не хватает: подтверждённой личности, подписанного договора, залога."} {
			if !strings.Contains(page, want) {
				t.Errorf("the card lacks %q", want)
			}
		}
		if strings.Contains(page, `action="`+w.url+`/loans"`) {
			t.Error("the offer form is shown beside an open loan")
		}

		// One car at a time per work order, even with another available.
		other := hub.CourtesyCar{BranchID: w.a.BranchID, Plate: "М 222 ММ 77", Model: "Kia Ceed", Fuel: hub.FuelDiesel}
		if err := h.Store.AddCourtesyCar(ctx, &other); err != nil {
			t.Fatal(err)
		}
		before := w.counts(t)
		resp, page = post(anna, w.url+"/loans", w.offerFields(other)...)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "По этому заказ-наряду подменный автомобиль уже предложен или выдан") {
			t.Fatalf("a second car on the work order: %d", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

// Every bad offer is refused in the advisor's words, in its field's
// terms, and stores nothing.
func TestLoanOfferRefusesBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		good := w.offerFields(w.car)
		local := func(d time.Duration) string {
			return time.Now().In(h.Branch.Location()).Add(d).Format("2006-01-02T15:04")
		}
		cases := []struct {
			name    string
			fields  []string
			problem string // "" for the form-input rule's own 400
		}{
			{"no car", with(good, "car", ""), "Choose a courtesy car of this branch."},
			{"car not a number", with(good, "car", "abc"), "Choose a courtesy car of this branch."},
			{"car of another branch", with(good, "car", strconv.FormatInt(w.carB.ID, 10)), "Choose a courtesy car of this branch."},
			{"retired car", with(good, "car", strconv.FormatInt(w.retired.ID, 10)), "Choose a courtesy car of this branch."},
			{"unknown car", with(good, "car", "999999"), "Choose a courtesy car of this branch."},
			{"huge car id", with(good, "car", "99999999999999999999999"), "Choose a courtesy car of this branch."},
			{"no handover", with(good, "handover", ""), "Handover: enter a date and a time."},
			{"handover not a time", with(good, "handover", "tomorrow"), "Handover: enter a date and a time."},
			{"huge handover", with(good, "handover", strings.Repeat("2026", 5000)), "Handover: enter a date and a time."},
			{"handover long ago", with(good, "handover", local(-72*time.Hour)), "Handover: no earlier than yesterday"},
			{"handover far ahead", with(with(good, "handover", local(100*24*time.Hour)), "due_back", local(101*24*time.Hour)), "Handover: no earlier than yesterday"},
			{"no due back", with(good, "due_back", ""), "Due back: enter a date and a time."},
			{"due back before handover", with(good, "due_back", local(0)), "The car must be due back after its handover."},
			{"due back at handover", with(good, "due_back", good[3]), "The car must be due back after its handover."},
			{"loan too long", with(good, "due_back", local(95*24*time.Hour)), "A car is lent for 90 days at most."},
			{"fuel over full", with(good, "fuel", "9"), "Fuel: from 0/8 (empty) to 8/8 (full tank)."},
			{"fuel below empty", with(good, "fuel", "-1"), "Fuel: from 0/8 (empty) to 8/8 (full tank)."},
			{"fuel a word", with(good, "fuel", "full"), "Fuel: from 0/8 (empty) to 8/8 (full tank)."},
			{"no odometer", with(good, "odometer", ""), "Odometer: a whole number of kilometres from 0 to 2,000,000."},
			{"negative odometer", with(good, "odometer", "-5"), "Odometer: a whole number"},
			{"odometer out of range", with(good, "odometer", "2000001"), "Odometer: a whole number"},
			{"huge odometer", with(good, "odometer", "99999999999999999999"), "Odometer: a whole number"},
			{"fractional odometer", with(good, "odometer", "12.5"), "Odometer: a whole number"},
			{"NUL", with(good, "odometer", "12\x00345"), ""},
			{"invalid UTF-8", with(good, "handover", "\xff\xfe"), ""},
		}
		before := w.counts(t)
		for _, c := range cases {
			resp, page := post(anna, w.url+"/loans", c.fields...)
			if resp.StatusCode != http.StatusBadRequest || (c.problem != "" && !strings.Contains(page, c.problem)) {
				t.Errorf("%s: %d, want 400 with %q", c.name, resp.StatusCode, c.problem)
			}
			if c.problem != "" && strings.Contains(page, "\x00") {
				t.Errorf("%s: the page shows a NUL back", c.name)
			}
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		// The refused form keeps what was typed.
		_, page := post(anna, w.url+"/loans", with(good, "fuel", "9")...)
		if !strings.Contains(page, `value="12 345"`) {
			t.Error("the refused form lost the odometer as typed")
		}
	})
}

// A car another advisor took since the page was shown is refused with
// its own words (409), nothing of this offer is stored; fifteen identical
// offers at once make one loan, one message, one change.
func TestLoanOfferCarTakenAndFifteenAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")

		// Another advisor offers the car on another work order while
		// Anna's page still lists it.
		h.PushWorkOrder(t, "e3", "ЗН-3", 1, "В работе", nil)
		elsewhere := h.Thread(t, "ЗН-3")
		at := time.Now().Add(time.Hour).UTC()
		taken := hub.Loan{BranchID: w.a.BranchID, ThreadID: elsewhere.ID, WorkOrderID: elsewhere.WorkOrderID, CarID: w.car.ID,
			TokenHash: "other-advisor", Locale: "ru", HandoverAt: at, DueBackAt: at.Add(time.Hour), FuelEighths: 8,
			IdentityMethod: hub.IdentityManual, OfferedBy: "Борис"}
		if err := h.Store.CreateLoan(ctx, &taken); err != nil {
			t.Fatal(err)
		}
		before := w.counts(t)
		resp, page := post(anna, w.url+"/loans", w.offerFields(w.car)...)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "This car has just been offered to another customer") {
			t.Fatalf("offer of a taken car: %d", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := h.Store.ChangeLoan(ctx, taken.ID, hub.LoanEventWithdrawn, func(x *hub.Loan) error { x.State = hub.LoanWithdrawn; return nil }); err != nil {
			t.Fatal(err)
		}

		base := w.counts(t)
		reqs := make([]*http.Request, 15)
		for i := range reqs {
			reqs[i] = loanRequest(anna, w.url+"/loans", w.offerFields(w.car)...)
		}
		won := tally(t, "an offer", sendAtOnce(t, h, reqs), http.StatusSeeOther, http.StatusConflict)[http.StatusSeeOther]
		n := w.counts(t)
		if won != 1 || n.loans-base.loans != 1 || n.outbox-base.outbox != 1 || n.messages-base.messages != 2 ||
			n.audit-base.audit != 1 || n.changes-base.changes != 1 || n.carState != hub.CarReserved {
			t.Fatalf("15 offers at once: %d taken, %+v after %+v", won, n, base)
		}
		lines := int64(0)
		h.Store.Gorm(ctx).Table("messages").Where("text_key = ?", templates.SysLoanOffered).Count(&lines)
		if lines != 1 {
			t.Fatalf("%d system lines of the offer, want 1", lines)
		}
	})
}

// Withdrawing an offer frees the car and tells the customer; a second
// withdrawal is refused with the loan's state.
func TestLoanWithdraw(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		base := w.counts(t)
		l := w.offer(t, anna)
		path := fmt.Sprintf("%s/loans/%d/withdraw", w.url, l.ID)
		resp, _ := post(anna, path)
		anna.WantRedirect(resp, "", w.url+"?loan=withdrawn#loans", "The offer was withdrawn; the car is available again.")
		l = w.onlyLoan(t)
		n := w.counts(t)
		if l.State != hub.LoanWithdrawn || l.EndedAt == nil || n.carState != hub.CarAvailable || n.audit != 2 || n.outbox-base.outbox != 2 {
			t.Fatalf("withdrawn loan %+v, %+v", l, n)
		}
		if body := w.lastOutbox(t).Body; !strings.Contains(body, "предложение подменного автомобиля Škoda Rapid А 777 АА 77 отменено") ||
			!strings.Contains(body, "+74951234567") {
			t.Fatalf("customer told %q", body)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanWithdrawn {
			t.Fatalf("system line %q", line.TextKey)
		}
		if ev := w.loanEvents(t); len(ev) != 2 || ev[1] != hub.LoanEventWithdrawn {
			t.Fatalf("loan changes %v", ev)
		}
		before := w.counts(t)
		resp, page := post(anna, path)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Not possible now: the loan is withdrawn.") {
			t.Fatalf("second withdrawal: %d", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		// The car is free again: the form offers it.
		if _, page = anna.Do(http.MethodGet, w.url, nil); !strings.Contains(page, `action="`+w.url+`/loans"`) {
			t.Error("the freed car is not offered again")
		}
	})
}

// submitPhotos stores the customer's five ID photos of loan l, as the
// customer page does, and marks the check submitted.
func (w loanWorld) submitPhotos(t *testing.T, l hub.Loan) map[string]hub.LoanIdentityFile {
	t.Helper()
	ctx := context.Background()
	out := map[string]hub.LoanIdentityFile{}
	for _, kind := range hub.IDPhotoKinds() {
		data := []byte("\xff\xd8\xff photo " + kind + " of loan " + strconv.FormatInt(l.ID, 10))
		sum, err := w.media.Put(data)
		if err != nil {
			t.Fatal(err)
		}
		f := hub.LoanIdentityFile{LoanID: l.ID, Kind: kind, MediaPath: sum, ContentType: "image/jpeg", SizeBytes: int64(len(data)), SHA256: sum, CreatedAt: time.Now().UTC()}
		if err := w.h.Store.Gorm(ctx).Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		out[kind] = f
	}
	if _, err := w.h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { x.IdentityStatus = hub.IdentitySubmitted; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// The ID photos are served to advisors of the loan's branch only, never
// cached, each view audited; a deleted one is gone (410). Approving needs
// the version the advisor looked at.
func TestLoanIdentityPhotosAndApproval(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		photos := w.submitPhotos(t, l)
		photo := fmt.Sprintf("/inbox/loans/%d/identity/%s", l.ID, hub.IDPhotoSelfie)

		_, page := anna.Do(http.MethodGet, w.url, nil)
		for _, want := range []string{`src="` + photo + `"`, "photos in, waiting for a check", "/identity/approve", "/identity/refuse", "Selfie", "Driving licence, back"} {
			if !strings.Contains(page, want) {
				t.Errorf("the card lacks %q", want)
			}
		}
		resp, body := anna.Do(http.MethodGet, photo, nil)
		if resp.StatusCode != http.StatusOK || body != "\xff\xd8\xff photo selfie of loan "+strconv.FormatInt(l.ID, 10) ||
			resp.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("own branch's photo: %d %q %v", resp.StatusCode, body, resp.Header)
		}
		var viewed int64
		h.Store.Gorm(ctx).Table("audit_log").Where("action = ?", store.AuditLoanIdentityViewed).Count(&viewed)
		if viewed != 1 {
			t.Fatalf("%d audited views, want 1", viewed)
		}

		// Nobody else gets it: another branch's advisor, a mechanic of the
		// branch, someone signed out; nor a kind that is no photo.
		oleg := w.signIn(t, "oleg")
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "misha", Name: "Миша", Role: store.RoleMechanic,
			Password: password, BranchIDs: []int64{w.a.BranchID}}, nil); err != nil {
			t.Fatal(err)
		}
		misha := w.signIn(t, "misha")
		for who, c := range map[string]struct {
			b    *browser
			want int
		}{"another branch": {oleg, http.StatusNotFound}, "a mechanic": {misha, http.StatusForbidden}, "signed out": {h.NewClient(t), http.StatusSeeOther}} {
			resp, body := c.b.Do(http.MethodGet, photo, nil)
			if resp.StatusCode != c.want || strings.Contains(body, "photo selfie") {
				t.Errorf("%s: %d, want %d", who, resp.StatusCode, c.want)
			}
		}
		if _, page := misha.Do(http.MethodGet, w.url, nil); strings.Contains(page, photo) {
			t.Error("the mechanic's page links the ID photos")
		}
		for _, p := range []string{fmt.Sprintf("/inbox/loans/%d/identity/passport", l.ID), "/inbox/loans/999999/identity/selfie", "/inbox/loans/x/identity/selfie"} {
			if resp, _ := anna.Do(http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		purged := time.Now().UTC()
		if err := h.Store.Gorm(ctx).Table("loan_identity_files").Where("id = ?", photos[hub.IDPhotoIDBack].ID).Update("purged_at", purged).Error; err != nil {
			t.Fatal(err)
		}
		if resp, body := anna.Do(http.MethodGet, fmt.Sprintf("/inbox/loans/%d/identity/%s", l.ID, hub.IDPhotoIDBack), nil); resp.StatusCode != http.StatusGone || strings.Contains(body, "photo") {
			t.Fatalf("a purged photo: %d %q", resp.StatusCode, body)
		}

		// An approval must name the version looked at.
		if resp, page := post(anna, fmt.Sprintf("%s/loans/%d/identity/approve", w.url, l.ID)); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(page, "The form was not filled in correctly") || w.onlyLoan(t).IdentityStatus != hub.IdentitySubmitted {
			t.Fatalf("approval without a version: %d", resp.StatusCode)
		}
		// Approving what was looked at before a retake is refused.
		approve := fmt.Sprintf("%s/loans/%d/identity/approve", w.url, l.ID)
		stale := strconv.FormatInt(w.onlyLoan(t).Version, 10)
		if _, err := h.Store.ChangeLoan(ctx, l.ID, "", func(x *hub.Loan) error { return nil }); err != nil {
			t.Fatal(err) // the customer retook a photo: a new version
		}
		before := w.counts(t)
		resp, page = post(anna, approve, "version", stale)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "The loan changed while you were looking") {
			t.Fatalf("stale approval: %d", resp.StatusCode)
		}
		if after := w.counts(t); after != before || w.onlyLoan(t).IdentityStatus != hub.IdentitySubmitted {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		resp, _ = post(anna, approve, "version", strconv.FormatInt(w.onlyLoan(t).Version, 10))
		anna.WantRedirect(resp, "", w.url+"?loan=approved#loans", "Identity verified; the customer was told.")
		got := w.onlyLoan(t)
		if got.IdentityStatus != hub.IdentityVerified || got.IdentityCheckedBy != "Анна" || got.IdentityCheckedAt == nil || got.State != hub.LoanOffered {
			t.Fatalf("approved loan %+v", got)
		}
		if body := w.lastOutbox(t).Body; !strings.Contains(body, "документы проверены") {
			t.Fatalf("customer told %q", body)
		}
		if ev := w.loanEvents(t); len(ev) != 2 || ev[1] != hub.LoanEventVerified {
			t.Fatalf("loan changes %v", ev)
		}
		// Approved: nothing more to review.
		resp, _ = post(anna, approve, "version", strconv.FormatInt(got.Version, 10))
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("second approval: %d", resp.StatusCode)
		}
	})
}

// Refusing the papers needs a reason; it ends the loan refused, frees the
// car and tells the customer why.
func TestLoanIdentityRefusal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		anna.Lang = "pl"
		l := w.offer(t, anna)
		w.submitPhotos(t, l)
		version := strconv.FormatInt(w.onlyLoan(t).Version, 10)
		refuse := fmt.Sprintf("%s/loans/%d/identity/refuse", w.url, l.ID)
		before := w.counts(t)
		for name, reason := range map[string]string{"none": "", "blank": "   ", "too long": strings.Repeat("я", 201)} {
			resp, page := post(anna, refuse, "version", version, "reason", reason)
			apptest.WantRefused(t, resp, page, "Podaj powód odmowy")
			_ = name
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		resp, _ := post(anna, refuse, "version", version, "reason", "  Селфи не совпадает\nс паспортом ")
		anna.WantRedirect(resp, "", w.url+"?loan=refused#loans", "Dokumenty odrzucone")
		got := w.onlyLoan(t)
		n := w.counts(t)
		if got.State != hub.LoanRefused || got.IdentityStatus != hub.IdentityRefused || got.IdentityError != "Селфи не совпадает с паспортом" ||
			got.PhotosPurgeAt == nil || n.carState != hub.CarAvailable {
			t.Fatalf("refused loan %+v, %+v", got, n)
		}
		if body := w.lastOutbox(t).Body; !strings.Contains(body, "не можем выдать подменный автомобиль Škoda Rapid А 777 АА 77: Селфи не совпадает с паспортом") {
			t.Fatalf("customer told %q", body)
		}
		if line := w.lastLine(t); line.TextKey != templates.SysLoanIdentityRefused || !strings.Contains(line.Text("pl"), "Селфи не совпадает с паспортом") {
			t.Fatalf("system line %q", line.Text("pl"))
		}
		if ev := w.loanEvents(t); len(ev) != 2 || ev[1] != hub.LoanEventIdentityRefused {
			t.Fatalf("loan changes %v", ev)
		}
	})
}

// At a branch without a key locker the key goes at the desk once the
// loan is ready, and the car comes back there with its fuel and odometer;
// less fuel than at the handover is said. A branch with a locker hands
// keys over there.
func TestLoanHandOverAndReturnAtTheDesk(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		if err := h.Store.SetLoanSettings(ctx, hub.DefaultLoanSettings(w.a.BranchID)); err != nil {
			t.Fatal(err) // no deposit
		}
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		out := fmt.Sprintf("%s/loans/%d/out", w.url, l.ID)
		back := fmt.Sprintf("%s/loans/%d/return", w.url, l.ID)

		before := w.counts(t)
		resp, page := post(anna, out)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "Too early for the key: a verified identity, a signed agreement is missing.") {
			t.Fatalf("hand-over before ready: %d", resp.StatusCode)
		}
		if resp, _ := post(anna, back, "fuel", "8", "odometer", "12400"); resp.StatusCode != http.StatusConflict {
			t.Fatalf("return of a loan not out: %d", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		signed := time.Now().UTC()
		if _, err := h.Store.ChangeLoan(ctx, l.ID, hub.LoanEventSigned, func(x *hub.Loan) error {
			x.IdentityStatus, x.SignedAt, x.SignedName, x.DocumentID = hub.IdentityVerified, &signed, "Иван Петров", "D-1"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, page = anna.Do(http.MethodGet, w.url, nil); !strings.Contains(page, `action="`+out+`"`) {
			t.Fatal("a ready loan offers no hand-over at the desk")
		}
		resp, _ = post(anna, out)
		anna.WantRedirect(resp, "", w.url+"?loan=out#loans", "The key was handed over.")
		if got, n := w.onlyLoan(t), w.counts(t); got.State != hub.LoanOut || got.OutAt == nil || n.carState != hub.CarOut {
			t.Fatalf("loan out %+v %+v", got, n)
		}

		before = w.counts(t)
		for _, c := range []struct{ fuel, km, problem string }{
			{"8", "12000", "The odometer at return cannot read less than at the handover (12345 km)."},
			{"9", "12400", "Fuel: from 0/8"},
			{"4", "", "Odometer: a whole number"},
			{"4", "3000000", "Odometer: a whole number"},
		} {
			resp, page := post(anna, back, "fuel", c.fuel, "odometer", c.km)
			apptest.WantRefused(t, resp, page, c.problem)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		resp, _ = post(anna, back, "fuel", "3", "odometer", "12 900")
		anna.WantRedirect(resp, "", w.url+"?loan=returned#loans", "Less fuel than at the handover: 3/8 instead of 6/8.")
		got := w.onlyLoan(t)
		if got.State != hub.LoanReturned || got.ReturnedAt == nil || got.ReturnFuelEighths == nil || *got.ReturnFuelEighths != 3 ||
			got.ReturnOdometerKm == nil || *got.ReturnOdometerKm != 12900 || w.counts(t).carState != hub.CarReturned {
			t.Fatalf("returned loan %+v", got)
		}
		if line := w.lastLine(t).Text("en"); !strings.Contains(line, "fuel 3/8, odometer 12900 km. Less fuel than at the handover (6/8).") {
			t.Fatalf("system line %q", line)
		}
		if ev := w.loanEvents(t); strings.Join(ev, " ") != "offered signed out returned" {
			t.Fatalf("loan changes %v", ev)
		}

		// With a key locker, the desk hands no key over.
		if _, err := h.Store.ChangeLoan(ctx, got.ID, "", func(x *hub.Loan) error { x.State = hub.LoanClosed; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.SetCarState(ctx, w.car.BranchID, w.car.ID, hub.CarAvailable, true); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.CreateLockerSite(ctx, &hub.LockerSite{BranchID: w.a.BranchID, Name: "Север", TokenHash: "locker-hash"}, nil); err != nil {
			t.Fatal(err)
		}
		resp, _ = post(anna, w.url+"/loans", w.offerFields(w.car)...)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second offer: %d", resp.StatusCode)
		}
		ls, _ := h.Store.LoansOfThread(ctx, w.a.ID)
		second := ls[0]
		if _, err := h.Store.ChangeLoan(ctx, second.ID, "", func(x *hub.Loan) error {
			x.IdentityStatus, x.SignedAt = hub.IdentityVerified, &signed
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		_, page = anna.Do(http.MethodGet, w.url, nil)
		if strings.Contains(page, fmt.Sprintf("/loans/%d/out", second.ID)) || !strings.Contains(page, "from the key locker") {
			t.Error("a branch with a locker offers the desk hand-over")
		}
		resp, page = post(anna, fmt.Sprintf("%s/loans/%d/out", w.url, second.ID))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "through the key locker") {
			t.Fatalf("desk hand-over at a locker branch: %d", resp.StatusCode)
		}
	})
}

// Another branch's advisor reaches no loan route of the thread; a loan
// of another thread is not found under this one; a mechanic offers
// nothing; a form without its CSRF token is refused.
func TestLoanRoutesAreScoped(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		w := newLoanWorld(t, h)
		anna := w.signIn(t, "anna")
		l := w.offer(t, anna)
		if _, err := staff.AddUser(ctx, h.Store, staff.NewUser{Login: "misha", Name: "Миша", Role: store.RoleMechanic,
			Password: password, BranchIDs: []int64{w.a.BranchID}}, nil); err != nil {
			t.Fatal(err)
		}
		oleg, misha := w.signIn(t, "oleg"), w.signIn(t, "misha")
		before := w.counts(t)
		loan := fmt.Sprintf("%s/loans/%d", w.url, l.ID)
		routes := map[string][]string{
			w.url + "/loans":           w.offerFields(w.car),
			loan + "/withdraw":         nil,
			loan + "/identity/approve": {"version", "1"},
			loan + "/identity/refuse":  {"version", "1", "reason", "нет"},
			loan + "/out":              nil,
			loan + "/return":           {"fuel", "8", "odometer", "13000"},
		}
		for path, fields := range routes {
			if resp, _ := post(oleg, path, fields...); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another branch: POST %s: %d, want 404", path, resp.StatusCode)
			}
			if resp, _ := post(misha, path, fields...); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a mechanic: POST %s: %d, want 403", path, resp.StatusCode)
			}
			form := url.Values{}
			for i := 0; i+1 < len(fields); i += 2 {
				form.Set(fields[i], fields[i+1])
			}
			if resp, _ := anna.Do(http.MethodPost, path, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("no CSRF: POST %s: %d, want 403", path, resp.StatusCode)
			}
		}
		// A's loan under B's thread, as B's advisor.
		if resp, _ := post(oleg, fmt.Sprintf("/inbox/threads/%d/loans/%d/withdraw", w.b.ID, l.ID)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a loan under another thread: %d, want 404", resp.StatusCode)
		}
		if after := w.counts(t); after != before {
			t.Fatalf("something was stored:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, page := oleg.Do(http.MethodGet, fmt.Sprintf("/inbox/threads/%d", w.b.ID), nil); strings.Contains(page, "Škoda Rapid") {
			t.Error("B's card shows A's car")
		}
	})
}
