package account

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
)

// testClock is the pages' clock in booking tests; tests move it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// bookingRig is a branch that takes maintenance bookings (every day
// 09:00–18:00 Moscow, slots of an hour, 2 places each, cancel until 2 h
// before), a catalogue of two services, and a DMS customer on
// rigPhone with one car.
type bookingRig struct {
	t       *testing.T
	st      *store.Store
	app     *fiber.App
	h       *Handler
	clock   *testClock
	branch  hub.Branch
	node    hub.DMSNode
	vehicle int64
}

const rigPhone = "+79161234567"

func newBookingRig(t *testing.T, st *store.Store) *bookingRig {
	t.Helper()
	ctx := context.Background()
	r := &bookingRig{t: t, st: st, clock: &testClock{t: time.Now().UTC().Truncate(time.Minute)}}
	h, err := New(st, Options{Secret: testSecret, RateLimit: 1000000, Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r.h, r.app = h, fiber.New()
	h.Register(r.app)
	r.branch = hub.Branch{Code: "msk1", Name: "Автоцентр Север", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru",
		Phone: "+74951234567", WorkingHours: "Пн-Вс 09:00-18:00"}
	must(t, st.CreateBranch(ctx, &r.branch))
	must(t, st.SetBranchBooking(ctx, r.branch.ID, hub.BranchBooking{City: "Москва", Address: "ул. Ленина, 1",
		Brands: []string{"Kia", "Hyundai"}, CancelHours: 2, HorizonDays: 60, LeadMinutes: 60}))
	must(t, st.SetCapacity(ctx, r.branch.ID, hub.KindMaintenance, 60, 2))
	must(t, st.SetCapacity(ctx, r.branch.ID, hub.KindDiagnostics, 60, 1))
	must(t, st.SaveService(ctx, &hub.Service{BranchID: r.branch.ID, Code: "to", Kind: hub.KindMaintenance,
		NameRU: "Плановое ТО", NamePL: "Przegląd okresowy", NameEN: "Scheduled service", Minutes: 60, Active: true}))
	must(t, st.SaveService(ctx, &hub.Service{BranchID: r.branch.ID, Code: "diag", Kind: hub.KindDiagnostics,
		NameRU: "Диагностика подвески", NamePL: "Diagnostyka zawieszenia", NameEN: "Suspension check", Minutes: 60, Active: true, Position: 1}))
	r.node = hub.DMSNode{Name: "alfa", TokenHash: "hash-" + t.Name()}
	must(t, st.CreateNode(ctx, &r.node))
	cust, err := st.UpsertCustomer(ctx, store.CustomerData{NodeID: r.node.ID, ExternalID: "c1", Name: "Иван", Phones: []string{rigPhone}})
	must(t, err)
	r.vehicle, err = st.UpsertVehicle(ctx, store.VehicleData{NodeID: r.node.ID, ExternalID: "v1", CustomerID: &cust,
		Make: "Kia", Model: "Rio", Plate: "А123ВС77"})
	must(t, err)
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// slot is the form value of a slot start days ahead at hh:00 Moscow.
func (r *bookingRig) slot(days, hour int) string {
	d := r.clock.Now().In(r.branch.Location()).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, r.branch.Location()).Format(slotLayout)
}

// slotTime is slot as a time.
func (r *bookingRig) slotTime(at string) time.Time {
	t, err := time.ParseInLocation(slotLayout, at, r.branch.Location())
	must(r.t, err)
	return t
}

// answer is a response read whole.
type answer struct {
	status   int
	location string
	body     string
}

// get and post send a request as the signed-in browser ck would.
func (r *bookingRig) get(target string, ck *http.Cookie) answer {
	r.t.Helper()
	return r.do(httptest.NewRequest(http.MethodGet, target, nil), ck)
}

func (r *bookingRig) post(target string, form url.Values, ck *http.Cookie) answer {
	r.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.do(req, ck)
}

func (r *bookingRig) do(req *http.Request, ck *http.Cookie) answer {
	r.t.Helper()
	if ck != nil {
		req.AddCookie(ck)
	}
	resp, err := r.app.Test(req, -1)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

// bookingForm is the confirm step's form for a slot of the rig's car.
func (r *bookingRig) bookingForm(csrf, at, key string) url.Values {
	return url.Values{"_csrf": {csrf}, fBranch: {r.branch.Code}, fVehicle: {itoa(r.vehicle)}, fService: {"to"},
		fServDone: {"1"}, fNote: {""}, fAt: {at}, fKey: {key}}
}

// createdID is the booking id a successful POST /account/book sends the
// browser to.
func (r *bookingRig) createdID(p answer) int64 {
	r.t.Helper()
	m := regexp.MustCompile(`^/account/bookings/(\d+)\?done=created$`).FindStringSubmatch(p.location)
	if p.status != http.StatusSeeOther || m == nil {
		r.t.Fatalf("booking not made: %d %q\n%s", p.status, p.location, p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// book makes a booking through the pages and returns its id.
func (r *bookingRig) book(ck *http.Cookie, csrf, at string) int64 {
	r.t.Helper()
	return r.createdID(r.post(bookPath, r.bookingForm(csrf, at, "key-"+at+"-"+ck.Value[:8]), ck))
}

// bookingCount counts every booking stored.
func (r *bookingRig) bookingCount() int64 {
	r.t.Helper()
	var n int64
	must(r.t, r.st.Gorm(context.Background()).Raw(`SELECT COUNT(*) FROM bookings`).Scan(&n).Error)
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// httpPost is a form POST request to adjust before sending.
func httpPost(target string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// httpGet is a GET request to adjust before sending.
func httpGet(target string) *http.Request { return httptest.NewRequest(http.MethodGet, target, nil) }
