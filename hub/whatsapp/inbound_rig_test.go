package whatsapp_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// inRig is a branch with a linked account whose fake client feeds a real
// Inbound on a real store; the account's device is a real whatsmeow
// device store (it knows LID ↔ phone mappings).
type inRig struct {
	s      *store.Store
	f      storetest.Fixture
	acc    hub.WAAccount
	dev    *wastore.Device
	fake   *watest.Fake
	in     *whatsapp.Inbound
	media  *hub.Media
	clock  *inClock
	client *watest.Clients
}

const inAccountDigits = "48500100200"

func newInRig(t *testing.T, s *store.Store, opts whatsapp.InboundOptions) *inRig {
	t.Helper()
	ctx := context.Background()
	r := &inRig{s: s, f: storetest.NewFixture(t, s), clock: &inClock{}, client: &watest.Clients{}}
	r.acc = hub.WAAccount{BranchID: r.f.Branch.ID, Name: "msk-main"}
	if err := s.CreateWAAccount(ctx, &r.acc); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWALinked(ctx, r.acc.ID, inAccountDigits+":7@s.whatsapp.net", "+"+inAccountDigits); err != nil {
		t.Fatal(err)
	}
	acc, err := s.WAAccount(ctx, r.acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.acc, r.dev = acc, inDevice(t)
	r.fake = watest.New(r.dev)
	r.media = hub.NewMedia(filepath.Join(t.TempDir(), "media"))
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = r.clock.Now
	}
	if opts.MediaPoll == 0 {
		opts.MediaPoll = 20 * time.Millisecond
	}
	r.in = whatsapp.NewInbound(s, r.media, opts)
	sess := whatsapp.Session{Account: r.acc, Client: r.fake, Device: r.dev}
	r.fake.AddEventHandlerWithSuccessStatus(func(evt any) bool { return r.in.Handle(sess, evt) })
	return r
}

// inDevice opens a real whatsmeow device store on a SQLite file and saves
// a linked device in it.
func inDevice(t *testing.T) *wastore.Device {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(t.TempDir(), "wa.db"))+
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	container := sqlstore.NewWithDB(db, "sqlite", nil)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	dev := container.NewDevice()
	jid := types.NewJID(inAccountDigits, types.DefaultUserServer)
	jid.Device = 7
	dev.ID = &jid
	// What pairing would have filled in (whatsmeow checks the lengths).
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := dev.Save(ctx); err != nil {
		t.Fatal(err)
	}
	return dev
}

// runMedia runs the download worker with the rig's clients until the test
// ends, and checks it then returns nil.
func (r *inRig) runMedia(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.in.RunMedia(ctx, r.client) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunMedia returned %v at context end", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("RunMedia did not return at context end")
		}
	})
}

// customer stores a DMS customer with phones.
func (r *inRig) customer(t *testing.T, ext string, phones ...string) int64 {
	t.Helper()
	id, err := r.s.UpsertCustomer(context.Background(), store.CustomerData{NodeID: r.f.Node.ID, ExternalID: ext,
		Name: "Клиент " + ext, Phones: phones})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// order stores a work order of a customer with its SMS thread.
func (r *inRig) order(t *testing.T, number, status string, customerID int64, phone string) hub.Thread {
	t.Helper()
	ctx := context.Background()
	w := hub.WorkOrder{NodeID: r.f.Node.ID, BranchID: r.f.Branch.ID, Number: number, Version: 1, Status: status,
		CustomerID: &customerID, OpenedAt: time.Now().UTC()}
	if _, err := r.s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: r.f.Branch.ID, WorkOrderID: &w.ID, CustomerID: &customerID, Phone: phone, Channel: hub.ChannelSMS}
	if err := r.s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	return th
}

func (r *inRig) thread(t *testing.T, id int64) hub.Thread {
	t.Helper()
	th, err := r.s.Thread(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func (r *inRig) messages(t *testing.T, threadID int64) []hub.Message {
	t.Helper()
	msgs, err := r.s.Messages(context.Background(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// emit delivers an event and requires the handler to take it.
func (r *inRig) emit(t *testing.T, evt any) {
	t.Helper()
	if !r.fake.Emit(evt) {
		t.Fatalf("event %T not taken", evt)
	}
}

// changes lists the branch's feed entries of a type, with their data.
func (r *inRig) changes(t *testing.T, typ string) []map[string]any {
	t.Helper()
	all, err := r.s.ChangesAfter(context.Background(), []int64{r.f.Branch.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, c := range all {
		if c.Type != typ {
			continue
		}
		data := map[string]any{"work_order_number": c.WorkOrderNumber}
		if err := json.Unmarshal([]byte(c.Data), &data); err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// leads lists the branch's lead threads.
func (r *inRig) leads(t *testing.T) []hub.Thread {
	t.Helper()
	var out []hub.Thread
	err := r.s.Gorm(context.Background()).Where("branch_id = ? AND work_order_id IS NULL", r.f.Branch.ID).Order("id").Find(&out).Error
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *inRig) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := r.s.Gorm(context.Background()).Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// inClock is real time moved forward by what the test adds.
type inClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *inClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.offset) }
func (c *inClock) Add(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

func inOptOut() reply.OptOutWords {
	return reply.NewOptOutWords(strings.Split(reply.DefaultOptOutWords, ","))
}
