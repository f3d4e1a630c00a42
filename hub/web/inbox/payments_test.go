package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"naryad/app/apptest"
	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/store"
	"naryad/hub/web/inbox"
)

// payCall is one call the fake payments service received.
type payCall struct {
	ID, Amount int64 // the thread's (Request) or the payment's (Refund)
	Reason, By string
}

// fakePayments stands in for the payments service: a request is stored as
// the service would store it (a pending payment of kind request), a refund
// answers a refund id; err, when set, is the answer instead.
type fakePayments struct {
	st       *store.Store
	mu       sync.Mutex
	requests []payCall
	refunds  []payCall
	err      error
	// deposits and depositErr are SettleDeposit's (loan_deposit_test.go).
	deposits   []depositCall
	depositErr error
	released   []int64 // ReleaseDeposit's loans
}

func (f *fakePayments) Request(ctx context.Context, threadID, amountMinor int64, reason, by string) (hub.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, payCall{threadID, amountMinor, reason, by})
	if f.err != nil {
		return hub.Payment{}, f.err
	}
	th, err := f.st.Thread(ctx, threadID)
	if err != nil {
		return hub.Payment{}, err
	}
	p := hub.Payment{BranchID: th.BranchID, WorkOrderID: *th.WorkOrderID, ThreadID: &th.ID, Kind: hub.PaymentForRequest,
		Reason: reason, RequestedBy: by, AmountMinor: amountMinor, Currency: "RUB", Provider: hub.ProviderYooKassa,
		IdempotencyKey: fmt.Sprintf("req-%d", len(f.requests)), Status: hub.PaymentPending}
	return p, f.st.CreatePayment(ctx, &p)
}

func (f *fakePayments) Refund(_ context.Context, paymentID, amountMinor int64, reason, by string) (hub.PaymentRefund, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refunds = append(f.refunds, payCall{paymentID, amountMinor, reason, by})
	if f.err != nil {
		return hub.PaymentRefund{}, f.err
	}
	return hub.PaymentRefund{ID: 77, PaymentID: paymentID, AmountMinor: amountMinor, Reason: reason, RefundedBy: by, Status: "pending"}, nil
}

func (f *fakePayments) calls() (requests, refunds []payCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payCall(nil), f.requests...), append([]payCall(nil), f.refunds...)
}

// userError is how the service words a refusal for people.
type userError string

func (e userError) Error() string       { return string(e) }
func (e userError) UserMessage() string { return string(e) }

// payWorld is the world's hub with the inbox mounted again on its own app,
// with a fake payments service (nil: none), and its users: advisors anna
// and boris at A, oleg at B, mechanic mike and admin root at A.
type payWorld struct {
	*world
	app   *fiber.App
	fake  *fakePayments
	paidA hub.Payment // a succeeded payment in A's thread
}

func newPayWorld(t *testing.T, h *apptest.Hub, withPayments bool) *payWorld {
	t.Helper()
	w := &payWorld{world: newWorld(t, h), fake: &fakePayments{st: h.Store}}
	ctx := context.Background()
	for _, u := range []staff.NewUser{
		{Login: "mike", Name: "Миша", Role: store.RoleMechanic},
		{Login: "root", Name: "Root", Role: store.RoleAdmin},
	} {
		u.Password, u.BranchIDs = password, []int64{h.Branch.ID}
		if _, err := staff.AddUser(ctx, h.Store, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	w.app = newPayWorldApp(t, w, withPayments)
	w.paidA = w.payment(t, w.a, hub.PaymentForWorkOrder, hub.PaymentSucceeded, 10_000_00, func(p *hub.Payment) {
		p.PaidMinor, p.Method = 9_500_00, "bank_card"
	})
	return w
}

// setUp gives branch A a payment provider.
func (w *payWorld) setUp(t *testing.T) {
	t.Helper()
	err := w.h.Store.SaveBranchPayment(context.Background(), &hub.BranchPayment{BranchID: w.h.Branch.ID,
		Provider: hub.ProviderYooKassa, Account: "123456", SecretSealed: "sealed", WebhookKey: "key-a"})
	if err != nil {
		t.Fatal(err)
	}
}

// payment stores a payment of the thread.
func (w *payWorld) payment(t *testing.T, th hub.Thread, kind, status string, amount int64, adjust func(*hub.Payment)) hub.Payment {
	t.Helper()
	p := hub.Payment{BranchID: th.BranchID, WorkOrderID: *th.WorkOrderID, ThreadID: &th.ID, Kind: kind,
		AmountMinor: amount, Currency: "RUB", Provider: hub.ProviderYooKassa, IdempotencyKey: fmt.Sprintf("p-%d-%s-%d", th.ID, status, amount),
		Status: status}
	if status == hub.PaymentSucceeded {
		p.PaidMinor = amount
	}
	if adjust != nil {
		adjust(&p)
	}
	if err := w.h.Store.CreatePayment(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// refunded records a refund of p as the service would, the payment's
// refunded sum included.
func (w *payWorld) refunded(t *testing.T, p hub.Payment, amount int64, reason, by string) {
	t.Helper()
	db := w.h.Store.Gorm(context.Background())
	r := hub.PaymentRefund{PaymentID: p.ID, AmountMinor: amount, Reason: reason, RefundedBy: by, Status: "succeeded",
		IdempotencyKey: fmt.Sprintf("r-%d-%d", p.ID, amount)}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&hub.Payment{}).Where("id = ?", p.ID).Update("refunded_minor", p.RefundedMinor+amount).Error; err != nil {
		t.Fatal(err)
	}
}

func (w *payWorld) signIn(t *testing.T, login string) *browser {
	t.Helper()
	return apptest.NewAppClient(t, w.app).SignIn(login, password)
}

// audits lists the detail of each audit row of action, oldest first.
func audits(t *testing.T, h *apptest.Hub, action string) []string {
	t.Helper()
	log, err := h.Store.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Action == action {
			out = append(out, log[i].Subject+": "+log[i].Detail)
		}
	}
	return out
}

func wantAll(t *testing.T, page string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}

func wantNone(t *testing.T, page string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(page, u) {
			t.Errorf("page shows %q:\n%s", u, page)
		}
	}
}

// The card lists each payment of the thread with its kind, reason,
// amount, status, method and refunds; the request form is for advisors
// and admins at a branch that takes payments, the refund form for admins.
func TestPaymentsCardListsThePayments(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		w.refunded(t, w.paidA, 1_000_00, "Скидка за ожидание", "Root")
		w.payment(t, w.a, hub.PaymentForRequest, hub.PaymentPending, 3_000_00, func(p *hub.Payment) {
			p.Reason, p.RequestedBy = "Предоплата за запчасти", "Анна"
		})
		w.payment(t, w.a, hub.PaymentForWorkOrder, hub.PaymentPending, 12_000_00, func(p *hub.Payment) { p.Superseded = true })
		w.payment(t, w.a, hub.PaymentForWorkOrder, hub.PaymentCancelled, 11_000_00, nil)
		w.payment(t, w.b, hub.PaymentForWorkOrder, hub.PaymentSucceeded, 4_444_00, nil) // another branch's
		url := fmt.Sprintf("/inbox/threads/%d", w.a.ID)

		root := w.signIn(t, "root")
		resp, page := root.Do(http.MethodGet, url, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", resp.StatusCode, page)
		}
		wantAll(t, page, `<section class="payments" id="payments" aria-label="Payments">`,
			"RUB\u00a010,000.00", "paid", "Paid: <b>RUB\u00a09,500.00</b>", "Method: bank_card", "work order payment",
			"−RUB\u00a01,000.00 · done · Root", "Скидка за ожидание",
			"RUB\u00a03,000.00", "awaiting payment", "Предоплата за запчасти", "Requested by: Анна", "request",
			"RUB\u00a012,000.00", "the amount changed, the link is being cancelled", "RUB\u00a011,000.00", "cancelled",
			"Online payments are not set up at this branch")
		wantAll(t, page, fmt.Sprintf(`action="%s/payments/%d/refund"`, url, w.paidA.ID), `name="amount" value="8500.00"`)
		if n := strings.Count(page, "/refund\""); n != 1 {
			t.Errorf("%d refund forms, want one (the succeeded payment's)", n)
		}
		wantNone(t, page, "4,444.00", `action="`+url+`/payments"`)

		w.setUp(t)
		_, page = root.Do(http.MethodGet, url, nil)
		wantAll(t, page, `action="`+url+`/payments"`, "Amount, RUB", "Send the customer a payment link")
		wantNone(t, page, "not set up")

		anna := w.signIn(t, "anna")
		anna.Lang = "ru"
		_, page = anna.Do(http.MethodGet, url, nil)
		wantAll(t, page, "Платежи", "10\u00a0000,00\u00a0₽", "оплачен", "ждёт оплаты", `action="`+url+`/payments"`, "Отправить клиенту ссылку на оплату")
		wantNone(t, page, "/refund\"")

		_, page = w.signIn(t, "mike").Do(http.MethodGet, url, nil)
		wantAll(t, page, "RUB\u00a010,000.00")
		wantNone(t, page, "/refund\"", `action="`+url+`/payments"`, "not set up")

		// Without the payments service, no card at all.
		w2 := newPayWorldApp(t, w, false)
		_, page = apptest.NewAppClient(t, w2).SignIn("root", password).Do(http.MethodGet, url, nil)
		wantNone(t, page, `class="payments"`, "10,000.00")
	})
}

// newPayWorldApp mounts the inbox once more on the world's store, with or
// without the fake payments service.
func newPayWorldApp(t *testing.T, w *payWorld, withPayments bool) *fiber.App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	staffPages, err := staff.New(w.h.Store, staff.Options{Secret: w.h.Config.Secret, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	o := inbox.Options{Logger: log}
	if withPayments {
		o.Payments = w.fake
	}
	page, err := inbox.New(w.h.Store, staffPages.RequireStaff, o)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	staffPages.Register(app)
	page.Register(app)
	return app
}

// An advisor requests an amount typed as people write it, with a reason:
// the service is asked once, the request is audited and listed. Bad input
// is refused with the page and what was typed, the service not asked.
func TestRequestPaymentFromTheThread(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		w.setUp(t)
		url := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		anna := w.signIn(t, "anna")

		long := strings.Repeat("я", 201)
		for _, c := range []struct{ amount, reason, want string }{
			{"abc", "Предоплата", "The amount must be a number above zero"},
			{"0", "Предоплата", "The amount must be a number above zero"},
			{"12,505", "Предоплата", "The amount must be a number above zero"},
			{"1 250,50", "  ", "Say what the payment is for"},
			{"1 250,50", long, "The text is too long"},
		} {
			resp, page := post(anna, url+"/payments", "amount", c.amount, "reason", c.reason)
			apptest.WantRefused(t, resp, page, c.want)
			wantAll(t, page, `name="amount" value="`+c.amount+`"`)
		}
		if req, _ := w.fake.calls(); len(req) != 0 {
			t.Fatalf("the service was asked for refused input: %+v", req)
		}

		resp, page := post(anna, url+"/payments", "amount", "1 250,50", "reason", " Предоплата за запчасти ")
		anna.WantRedirect(resp, page, url, "Предоплата за запчасти")
		req, _ := w.fake.calls()
		if want := []payCall{{w.a.ID, 1_250_50, "Предоплата за запчасти", "Анна"}}; fmt.Sprint(req) != fmt.Sprint(want) {
			t.Fatalf("service asked %+v, want %+v", req, want)
		}
		list, err := h.Store.PaymentsOfThread(context.Background(), w.a.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("payments %+v %v", list, err)
		}
		got := audits(t, h, store.AuditPaymentRequest)
		if want := fmt.Sprintf(`thread %d: payment %d requested: amount_minor=125050 RUB reason="Предоплата за запчасти"`, w.a.ID, list[0].ID); len(got) != 1 || got[0] != want {
			t.Fatalf("audit %q, want %q", got, want)
		}

		// The service's refusal in its words; any other failure in general
		// words, never the internal error.
		w.fake.err = fmt.Errorf("request: %w", userError("This branch takes payments in PLN only."))
		resp, page = post(anna, url+"/payments", "amount", "10", "reason", "Депозит")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("user error: status %d", resp.StatusCode)
		}
		wantAll(t, page, `role="alert">This branch takes payments in PLN only.`, `value="Депозит"`)
		w.fake.err = errors.New("payments: request on thread 1: dial tcp 10.0.0.1:5432: connection refused")
		resp, page = post(anna, url+"/payments", "amount", "10", "reason", "Депозит")
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("internal failure: status %d", resp.StatusCode)
		}
		wantAll(t, page, "because of a server error; nothing was done")
		wantNone(t, page, "10.0.0.1", "connection refused")
		if n := len(audits(t, h, store.AuditPaymentRequest)); n != 1 {
			t.Errorf("%d audit rows after failed requests", n)
		}
		w.fake.err = nil

		// Who may ask: not a mechanic, not without the form token, not at
		// another branch's thread, not on a lead without a work order.
		before, _ := w.fake.calls()
		resp, _ = post(w.signIn(t, "mike"), url+"/payments", "amount", "10", "reason", "x")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("mechanic: %d", resp.StatusCode)
		}
		if resp, _ := anna.Do(http.MethodPost, url+"/payments", urlValues("amount", "10", "reason", "x")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("without csrf: %d", resp.StatusCode)
		}
		if resp, _ := post(w.signIn(t, "oleg"), url+"/payments", "amount", "10", "reason", "x"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another branch's advisor: %d", resp.StatusCode)
		}
		lead := hub.Thread{BranchID: h.Branch.ID, Phone: "+79990001122", Channel: hub.ChannelSMS}
		if err := h.Store.CreateThread(context.Background(), &lead); err != nil {
			t.Fatal(err)
		}
		if resp, _ := post(anna, fmt.Sprintf("/inbox/threads/%d/payments", lead.ID), "amount", "10", "reason", "x"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a lead: %d", resp.StatusCode)
		}
		if after, _ := w.fake.calls(); len(after) != len(before) {
			t.Errorf("the service was asked by someone refused: %+v", after[len(before):])
		}
	})
}

func urlValues(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// An admin refunds up to what is left of a succeeded payment of the
// thread, with a reason; audited. Advisors cannot, and a payment of
// another thread is not found through this one.
func TestRefundFromTheThread(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		w := newPayWorld(t, h, true)
		w.refunded(t, w.paidA, 1_000_00, "Скидка", "Root")
		pending := w.payment(t, w.a, hub.PaymentForRequest, hub.PaymentPending, 3_000_00, nil)
		other := w.payment(t, w.b, hub.PaymentForWorkOrder, hub.PaymentSucceeded, 4_000_00, nil)
		url := fmt.Sprintf("/inbox/threads/%d", w.a.ID)
		refundURL := func(p hub.Payment) string { return url + "/payments/" + strconv.FormatInt(p.ID, 10) + "/refund" }
		root := w.signIn(t, "root")

		if resp, _ := post(w.signIn(t, "anna"), refundURL(w.paidA), "amount", "10", "reason", "x"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("advisor: %d", resp.StatusCode)
		}
		for _, p := range []string{refundURL(other), url + "/payments/999999/refund", url + "/payments/x/refund"} {
			if resp, _ := post(root, p, "amount", "10", "reason", "x"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
		for _, c := range []struct {
			p                    hub.Payment
			amount, reason, want string
		}{
			{w.paidA, "8500.01", "Брак", "At most RUB\u00a08,500.00 can be refunded."},
			{w.paidA, "-5", "Брак", "The amount must be a number above zero"},
			{w.paidA, "100", "", "Give a reason for the refund."},
			{pending, "100", "Брак", "Nothing of this payment is left to refund."},
		} {
			resp, page := post(root, refundURL(c.p), "amount", c.amount, "reason", c.reason)
			apptest.WantRefused(t, resp, page, `role="alert">`+c.want)
			if c.p.ID == w.paidA.ID {
				wantAll(t, page, `<details class="refund" open>`, `value="`+c.amount+`"`)
			}
		}
		if _, ref := w.fake.calls(); len(ref) != 0 {
			t.Fatalf("the service was asked for refused input: %+v", ref)
		}

		w.fake.err = userError("YooKassa refuses refunds older than 3 years.")
		resp, page := post(root, refundURL(w.paidA), "amount", "100", "reason", "Брак")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "YooKassa refuses refunds older than 3 years.") {
			t.Errorf("user error: %d\n%s", resp.StatusCode, page)
		}
		w.fake.err = nil

		resp, page = post(root, refundURL(w.paidA), "amount", "8 500", "reason", "Брак детали")
		root.WantRedirect(resp, page, url, "Payments")
		_, ref := w.fake.calls()
		if want := (payCall{w.paidA.ID, 8_500_00, "Брак детали", "Root"}); len(ref) != 2 || ref[1] != want {
			t.Fatalf("service asked %+v, want last %+v", ref, want)
		}
		got := audits(t, h, store.AuditPaymentRefund)
		if want := fmt.Sprintf(`thread %d: payment %d refund 77: amount_minor=850000 RUB reason="Брак детали"`, w.a.ID, w.paidA.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("audit %q, want %q", got, want)
		}
	})
}
