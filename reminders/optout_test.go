package reminders_test

import (
	"strings"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/reply"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A reply that is exactly an opt-out word stops the customer's reminders
// (with a system line, and no answer sent); START starts them again.
func TestOptOutReplies(t *testing.T) {
	words := reply.NewOptOutWords([]string{"STOP", "СТОП", "NIE"})
	cases := []struct {
		text    string
		wantOut bool // opted out after the reply (starting opted in)
	}{
		{"STOP", true},
		{"  stop! ", true},
		{"Стоп.", true},
		{"nie", true},
		{"«СТОП»", true},
		{"stop it", false},
		{"STOPP", false},
		{"I will not stop by today", false},
		{"", false},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Moscow")
		for _, c := range cases {
			t.Run(c.text, func(t *testing.T) {
				cust, phone := r.customer("ru")
				_, th := r.order(cust, phone)
				if err := words.Apply(t.Context(), s, th, c.text); err != nil {
					t.Fatal(err)
				}
				got, err := s.CustomerOptedOut(t.Context(), cust)
				if err != nil || got != c.wantOut {
					t.Fatalf("after %q opted out = %v (%v), want %v", c.text, got, err, c.wantOut)
				}
				msgs, err := s.Messages(t.Context(), th.ID)
				if err != nil {
					t.Fatal(err)
				}
				lines := 0
				for _, m := range msgs {
					if m.Direction == hub.DirectionOut {
						t.Fatalf("a reply was sent: %+v", m)
					}
					if m.Direction == hub.DirectionSystem && strings.Contains(m.Body, "opted out of reminders") {
						lines++
					}
				}
				if want := map[bool]int{true: 1, false: 0}[c.wantOut]; lines != want {
					t.Fatalf("%d system lines, want %d", lines, want)
				}
			})
		}
	})
}

// An opted-out customer gets no reminders until they reply START; the
// reminder held back is sent then (the rule still proposes it).
func TestOptedOutCustomerGetsNoReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		r := newRig(t, s, "Europe/Warsaw")
		words := reply.NewOptOutWords([]string{"NIE"})
		cust, phone := r.customer("pl")
		_, th := r.order(cust, phone)
		at := time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)
		r.setNow(at)
		run := r.runner(fixed{tyresFor(cust, "vehicle:1", at)})
		if err := words.Apply(t.Context(), s, th, "Nie!"); err != nil {
			t.Fatal(err)
		}
		if items, err := run.Preview(t.Context(), r.branch, at); err != nil || len(items) != 0 {
			t.Fatalf("preview %+v %v, want nothing for an opted-out customer", items, err)
		}
		if res := r.scan(run); res.Sent != 0 || res.OptedOut != 1 {
			t.Fatalf("scan %+v, want it skipped as opted out", res)
		}
		if err := words.Apply(t.Context(), s, th, "start"); err != nil {
			t.Fatal(err)
		}
		msgs, _ := s.Messages(t.Context(), th.ID)
		if last := msgs[len(msgs)-1]; last.Direction != hub.DirectionSystem || !strings.Contains(last.Body, "opted back in") {
			t.Fatalf("last line %+v, want the opt-in noted", last)
		}
		if res := r.scan(run); res.Sent != 1 {
			t.Fatalf("scan after START %+v, want it sent", res)
		}
	})
}
