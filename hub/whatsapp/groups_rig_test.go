package whatsapp_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/whatsapp"
	"naryad/hub/whatsapp/watest"
)

// groupRig is a branch running groups (leave after 3 days), a linked
// account, a connected fake and the fixture's work order in progress with
// a plate, an advisor and a master, on a real store.
type groupRig struct {
	s      *store.Store
	f      storetest.Fixture
	acc    hub.WAAccount
	fake   *watest.Fake
	clock  *groupClock
	groups *whatsapp.Groups
}

const (
	rigAccountPhone = "+79990000001"
	rigCustomer     = "79161234567" // the fixture thread's number
	rigAdvisor      = "74951234568"
	rigMaster       = "79031112233"
)

func newGroupRig(t *testing.T, s *store.Store) *groupRig {
	t.Helper()
	ctx := t.Context()
	r := &groupRig{s: s, f: storetest.NewFixture(t, s), clock: &groupClock{t: time.Now()}}
	r.acc = hub.WAAccount{BranchID: r.f.Branch.ID, Name: "msk-main"}
	if err := s.CreateWAAccount(ctx, &r.acc); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWALinked(ctx, r.acc.ID, "79990000001:7@s.whatsapp.net", rigAccountPhone); err != nil {
		t.Fatal(err)
	}
	acc, err := s.WAAccount(ctx, r.acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.acc = acc
	r.setGroups(t, true)
	vid, err := s.UpsertVehicle(ctx, store.VehicleData{NodeID: r.f.Node.ID, ExternalID: "V-1", Plate: "А123ВС77", Make: "Škoda"})
	if err != nil {
		t.Fatal(err)
	}
	r.update(t, func(w *hub.WorkOrder) {
		w.VehicleID, w.Status = &vid, hub.StatusInProgress
		w.AdvisorName, w.AdvisorPhone = "Ольга", "+7 495 123-45-68" // advisor phones are stored as the DMS sends them
		w.MasterName, w.MasterPhone = "Иван", "+"+rigMaster
	})
	r.fake = watest.New(nil)
	if err := r.fake.Connect(); err != nil {
		t.Fatal(err)
	}
	r.groups = whatsapp.NewGroups(s, whatsapp.GroupOptions{Now: r.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	return r
}

func (r *groupRig) setGroups(t *testing.T, on bool) {
	t.Helper()
	if err := r.s.SetBranchWASettings(t.Context(), r.f.Branch.ID, store.WASettings{Groups: on, GroupLeaveDays: 3,
		GroupInvites: true, UndeliveredSMSHours: store.DefaultWAUndeliveredSMSHours, MarkRead: true}); err != nil {
		t.Fatal(err)
	}
}

// update saves the fixture's work order changed by fn, as a new version.
func (r *groupRig) update(t *testing.T, fn func(*hub.WorkOrder)) {
	t.Helper()
	w, err := r.s.WorkOrder(t.Context(), r.f.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	fn(&w)
	w.Version++
	if saved, err := r.s.SaveWorkOrder(t.Context(), &w); err != nil || !saved {
		t.Fatalf("save work order: %v %v", saved, err)
	}
	r.f.Order = w
}

// groupFor asks for the fixture thread's group through cli (the fake when nil).
func (r *groupRig) groupFor(t *testing.T, cli whatsapp.Client) (types.JID, bool) {
	t.Helper()
	if cli == nil {
		cli = r.fake
	}
	jid, ok, err := r.groups.GroupFor(t.Context(), cli, r.acc, r.f.Thread)
	if err != nil {
		t.Fatalf("GroupFor: %v", err)
	}
	return jid, ok
}

// groupNotes lists the thread's system lines.
func groupNotes(t *testing.T, s *store.Store, threadID int64) []string {
	t.Helper()
	msgs, err := s.Messages(t.Context(), threadID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == hub.DirectionSystem {
			out = append(out, m.Body)
		}
	}
	return out
}

// groupUsers lists JIDs' user parts, to compare participants.
func groupUsers(jids []types.JID) string {
	out := make([]string, len(jids))
	for i, j := range jids {
		out[i] = j.User
		if j.Server != types.DefaultUserServer {
			out[i] += "@" + j.Server
		}
	}
	return strings.Join(out, ",")
}

// groupClock is GroupOptions.Now that a test moves.
type groupClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *groupClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *groupClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// groupClients is a Clients over a fixed set of clients.
type groupClients map[int64]whatsapp.Client

func (c groupClients) Client(id int64) (whatsapp.Client, bool) { cl, ok := c[id]; return cl, ok }

// groupRefusingClient is the fake with group calls WhatsApp refuses.
type groupRefusingClient struct {
	*watest.Fake
	mu                  sync.Mutex
	createErr, leaveErr error
	// invite is a member (digits) WhatsApp does not add: their privacy
	// settings allow only an invitation.
	invite          string
	creates, leaves int
}

func (c *groupRefusingClient) CreateGroup(ctx context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error) {
	c.mu.Lock()
	c.creates++
	err := c.createErr
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	info, err := c.Fake.CreateGroup(ctx, req)
	if err != nil {
		return nil, err
	}
	for i, p := range info.Participants {
		if p.JID.User == c.invite {
			info.Participants[i].Error = 403
			info.Participants[i].AddRequest = &types.GroupParticipantAddRequest{Code: "invite-code"}
		}
	}
	return info, nil
}

func (c *groupRefusingClient) LeaveGroup(ctx context.Context, jid types.JID) error {
	c.mu.Lock()
	c.leaves++
	err := c.leaveErr
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return c.Fake.LeaveGroup(ctx, jid)
}

func (c *groupRefusingClient) counts() (creates, leaves int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.creates, c.leaves
}

// groupBarrierClient holds every caller of IsConnected until n have
// arrived, so that n GroupFor calls all pass the "has the thread a group?"
// read before any of them claims.
type groupBarrierClient struct {
	*watest.Fake
	n       int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

func newGroupBarrierClient(f *watest.Fake, n int) *groupBarrierClient {
	return &groupBarrierClient{Fake: f, n: n, all: make(chan struct{})}
}

func (c *groupBarrierClient) IsConnected() bool {
	c.mu.Lock()
	c.arrived++
	if c.arrived == c.n {
		close(c.all)
	}
	c.mu.Unlock()
	select {
	case <-c.all:
	case <-time.After(10 * time.Second): // a broken test fails on its assertions, not by hanging
	}
	return c.Fake.IsConnected()
}
