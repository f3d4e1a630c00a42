package reminders_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/hub/web/unsubscribe"
	"naryad/reminders"
)

const testSecret = "test-secret-0123456789-0123456789-0123456789"

// mailRig is a rig whose branch sends e-mail, with one customer who has
// an address and two expiring items, and the Expiring rule's runner.
type mailRig struct {
	*rig
	mail  *hub.MailAddresses
	unsub *hub.Unsubscribes
	cust  int64
	phone string
	run   *reminders.Runner
}

func newMailRig(t *testing.T, s *store.Store, email string) *mailRig {
	t.Helper()
	ctx := t.Context()
	m := &mailRig{rig: newRig(t, s, "Europe/Warsaw")}
	var err error
	if m.mail, err = hub.NewMailAddresses(testSecret, "reply.hub.test"); err != nil {
		t.Fatal(err)
	}
	if m.unsub, err = hub.NewUnsubscribes(testSecret, "https://hub.test"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveBranchEmailSettings(ctx, hub.BranchEmailSettings{BranchID: m.branch.ID, FromAddress: "serwis@hub.test"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBranchBooking(ctx, m.branch.ID, hub.BranchBooking{City: "Warszawa", Address: "ul. Puławska 10", HorizonDays: 30}); err != nil {
		t.Fatal(err)
	}
	m.seq++
	m.phone = fmt.Sprintf("+4860100%04d", m.seq)
	m.cust, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: m.node.ID, ExternalID: fmt.Sprint("M", m.seq), Name: "Anna",
		Email: email, Locale: "pl", Phones: []string{m.phone}})
	if err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"Ubezpieczenie OC", "<script>alert(1)</script>"} {
		err := s.UpsertExpiringItem(ctx, store.ExpiringItemData{NodeID: m.node.ID, ExternalID: fmt.Sprint("I", m.seq, "-", i), CustomerID: m.cust,
			Kind: "insurance", Title: title, ExpiresOn: "2026-06-11", DefaultBranchID: &m.branch.ID})
		if err != nil {
			t.Fatal(err)
		}
	}
	m.run = m.runnerWithMail(m.mail)
	return m
}

func (m *mailRig) runnerWithMail(mail *hub.MailAddresses) *reminders.Runner {
	return reminders.NewRunner(m.st, m.texts, m.links, nil, reminders.RunnerOptions{
		Rules: []reminders.Rule{reminders.NewExpiring()}, Now: m.clock, Mail: mail, Unsubscribes: m.unsub,
	})
}

func (m *mailRig) channels(thread, email bool) {
	m.t.Helper()
	err := m.st.SetReminderChannel(m.t.Context(), store.ReminderChannel{BranchID: m.branch.ID, Rule: reminders.RuleExpiring, Thread: thread, Email: email})
	if err != nil {
		m.t.Fatal(err)
	}
}

// outbox lists the channel and recipient of the customer's reminder
// messages, in order.
func (m *mailRig) outbox() []string {
	m.t.Helper()
	var rows []struct{ Channel, Recipient string }
	err := m.st.Gorm(m.t.Context()).Raw(`SELECT o.channel, o.recipient FROM outbox o JOIN messages ms ON ms.id = o.message_id
		JOIN threads t ON t.id = ms.thread_id WHERE t.customer_id = ? ORDER BY o.id`, m.cust).Scan(&rows).Error
	if err != nil {
		m.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Channel+":"+r.Recipient)
	}
	return out
}

func (m *mailRig) ledgerRows() int {
	m.t.Helper()
	var n int64
	if err := m.st.Gorm(m.t.Context()).Raw(`SELECT count(*) FROM reminder_ledger WHERE customer_id = ?`, m.cust).Scan(&n).Error; err != nil {
		m.t.Fatal(err)
	}
	return int(n)
}

// scanOn runs the rule at 11:00 Warsaw time on day ("2026-05-27" is 15
// days before the items' end).
func (m *mailRig) scanOn(day string) reminders.Result {
	m.t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" 11:00", mustZone(m.t, "Europe/Warsaw"))
	if err != nil {
		m.t.Fatal(err)
	}
	m.setNow(at.UTC())
	return m.scan(m.run)
}

// Expiry by e-mail and SMS: one ledger row, an SMS on the thread and an
// e-mail with its parts (the table, the thread's Reply-To, a fresh
// Message-ID at the reply domain, the unsubscribe address).
func TestExpiryByEmailAndSMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		m := newMailRig(t, s, "anna@example.pl")
		m.channels(true, true)
		if res := m.scanOn("2026-05-27"); res.Sent != 1 {
			t.Fatalf("scan = %+v, want one reminder", res)
		}
		got := m.outbox()
		if len(got) != 2 || got[0] != "sms:"+m.phone || got[1] != "email:anna@example.pl" {
			t.Fatalf("outbox = %v, want an SMS and an e-mail", got)
		}
		if n := m.ledgerRows(); n != 1 {
			t.Fatalf("ledger rows = %d, want one per reminder", n)
		}
		msgs := m.sent(m.cust)
		e, err := s.MessageEmail(t.Context(), msgs[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.ReplyTo != m.mail.ThreadReply(msgs[1].ThreadID) || !strings.HasSuffix(e.HeaderID, "@reply.hub.test") || len(e.HeaderID) < 40 ||
			e.UnsubscribeURL != m.unsub.URL(m.cust, store.ConsentReminders) {
			t.Fatalf("parts = %+v", e)
		}
		for _, want := range []string{"<table", "Ubezpieczenie OC", "&lt;script&gt;", "11.06.2026", ">15<", "ul. Puławska 10, Warszawa", e.UnsubscribeURL} {
			if !strings.Contains(e.HTML, want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
		if !strings.Contains(msgs[1].Body, "- Ubezpieczenie OC: 11.06.2026, zostało dni: 15") {
			t.Errorf("text part = %q", msgs[1].Body)
		}
		if e.Subject != "Serwis: wkrótce wygasa (pozycje: 2)" {
			t.Errorf("subject = %q", e.Subject)
		}
	})
}

// Which channels: the branch's rule, the customer's own choice winning,
// and e-mail only where it works (configured, a sender, a good address);
// after a hard bounce the next reminder goes by SMS.
func TestReminderChannelRules(t *testing.T) {
	cases := []struct {
		name          string
		email         string
		thread, mail  bool
		choice        string
		bounced, nilM bool
		want          []string // channels in the outbox
	}{
		{name: "never set: the thread only", email: "a@example.pl", thread: true, want: []string{"sms"}},
		{name: "e-mail only", email: "a@example.pl", mail: true, want: []string{"email"}},
		{name: "choice email wins over thread only", email: "a@example.pl", thread: true, choice: store.ChannelChoiceEmail, want: []string{"email"}},
		{name: "choice phone wins over e-mail only", email: "a@example.pl", mail: true, choice: store.ChannelChoicePhone, want: []string{"sms"}},
		{name: "choice both", email: "a@example.pl", mail: true, choice: store.ChannelChoiceBoth, want: []string{"sms", "email"}},
		{name: "hard bounce: SMS instead", email: "a@example.pl", mail: true, bounced: true, want: []string{"sms"}},
		{name: "no address: SMS instead", mail: true, want: []string{"sms"}},
		{name: "e-mail off: SMS instead", email: "a@example.pl", mail: true, nilM: true, want: []string{"sms"}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				m := newMailRig(t, s, c.email)
				if c.thread || c.mail {
					m.channels(c.thread, c.mail)
				}
				if c.choice != "" {
					if err := s.SetChannelChoice(t.Context(), m.phone, c.choice); err != nil {
						t.Fatal(err)
					}
				}
				if c.bounced {
					if err := s.MarkEmailInvalid(t.Context(), c.email, "550 no such user"); err != nil {
						t.Fatal(err)
					}
				}
				if c.nilM {
					m.run = m.runnerWithMail(nil)
				}
				if res := m.scanOn("2026-05-27"); res.Sent != 1 {
					t.Fatalf("scan = %+v", res)
				}
				var got []string
				for _, o := range m.outbox() {
					ch, _, _ := strings.Cut(o, ":")
					got = append(got, ch)
				}
				if strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Fatalf("channels = %v, want %v", got, c.want)
				}
				if n := m.ledgerRows(); n != 1 {
					t.Fatalf("ledger rows = %d", n)
				}
			})
		}
	})
}

// The one-click POST to the e-mail's unsubscribe address stops the next
// reminder on every channel: the next day's scan sends nothing.
func TestUnsubscribePostStopsTheNextReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		m := newMailRig(t, s, "anna@example.pl")
		m.channels(true, true)
		if res := m.scanOn("2026-05-27"); res.Sent != 1 {
			t.Fatalf("first scan = %+v", res)
		}
		msgs := m.sent(m.cust)
		e, err := s.MessageEmail(t.Context(), msgs[len(msgs)-1].ID)
		if err != nil || e.UnsubscribeURL == "" {
			t.Fatalf("parts = %+v, %v", e, err)
		}
		page, err := unsubscribe.New(s, m.unsub, unsubscribe.Options{})
		if err != nil {
			t.Fatal(err)
		}
		app := fiber.New()
		page.Register(app)
		u, err := url.Parse(e.UnsubscribeURL)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, u.Path, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %v %v", u.Path, resp, err)
		}
		// The 10-day lead: without the unsubscribe this sends again.
		if res := m.scanOn("2026-06-01"); res.Sent != 0 || len(m.outbox()) != 2 {
			t.Fatalf("scan after unsubscribing = %+v, outbox %v; want nothing more sent", res, m.outbox())
		}
	})
}
