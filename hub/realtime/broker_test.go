package realtime_test

import (
	"slices"
	"sync"
	"testing"

	"naryad/hub"
	"naryad/hub/realtime"
)

// drain takes what is already buffered in sub without waiting; open tells
// whether the channel is still open.
func drain(sub *realtime.Subscription) (ids []int64, open bool) {
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				return ids, false
			}
			ids = append(ids, ev.ID)
		default:
			return ids, true
		}
	}
}

func TestBrokerFansOutByThreadAndBranch(t *testing.T) {
	b := realtime.NewBroker(realtime.BrokerOptions{Buffer: 8})
	thread1 := b.SubscribeThread(1)
	thread1Again := b.SubscribeThread(1)
	thread2 := b.SubscribeThread(2)
	branches := b.SubscribeBranch(10, 20, 10)
	branch30 := b.SubscribeBranch(30)
	none := b.SubscribeBranch()

	b.Publish(hub.ThreadEvent{ID: 1, ThreadID: 1, BranchID: 10})
	b.Publish(hub.ThreadEvent{ID: 2, ThreadID: 2, BranchID: 20})
	b.Publish(hub.ThreadEvent{ID: 3, ThreadID: 3, BranchID: 30})
	b.Publish(hub.ThreadEvent{ID: 4, ThreadID: 1, BranchID: 10})

	tests := []struct {
		name string
		sub  *realtime.Subscription
		want []int64
	}{
		{"thread 1", thread1, []int64{1, 4}},
		{"thread 1, second subscriber", thread1Again, []int64{1, 4}},
		{"thread 2", thread2, []int64{2}},
		{"branches 10 and 20, 10 listed twice", branches, []int64{1, 2, 4}},
		{"branch 30", branch30, []int64{3}},
		{"no branch", none, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, open := drain(tt.sub)
			if !open || tt.sub.Dropped() {
				t.Fatalf("subscription closed (dropped %v)", tt.sub.Dropped())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got events %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBrokerDropsAFullSubscriberOnly(t *testing.T) {
	b := realtime.NewBroker(realtime.BrokerOptions{Buffer: 2})
	slow := b.SubscribeThread(1)
	fast := b.SubscribeThread(1)
	inbox := b.SubscribeBranch(7)
	var fastGot, inboxGot []int64
	for id := int64(1); id <= 5; id++ {
		b.Publish(hub.ThreadEvent{ID: id, ThreadID: 1, BranchID: 7}) // must not block on slow
		got, _ := drain(fast)
		fastGot = append(fastGot, got...)
		got, _ = drain(inbox)
		inboxGot = append(inboxGot, got...)
	}
	want := []int64{1, 2, 3, 4, 5}
	if !slices.Equal(fastGot, want) || !slices.Equal(inboxGot, want) || fast.Dropped() || inbox.Dropped() {
		t.Fatalf("readers got %v and %v (dropped %v, %v), want %v", fastGot, inboxGot, fast.Dropped(), inbox.Dropped(), want)
	}
	got, open := drain(slow)
	if open || !slow.Dropped() || !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("slow subscriber: got %v, open %v, dropped %v; want [1 2], closed, dropped", got, open, slow.Dropped())
	}
	slow.Close() // closing a dropped subscription is harmless
}

func TestSubscriptionCloseIsIdempotent(t *testing.T) {
	b := realtime.NewBroker(realtime.BrokerOptions{})
	sub := b.SubscribeThread(1)
	other := b.SubscribeThread(1)
	sub.Close()
	sub.Close()
	b.Publish(hub.ThreadEvent{ID: 1, ThreadID: 1}) // would panic sending on a closed channel
	if got, open := drain(sub); open || len(got) != 0 || sub.Dropped() {
		t.Fatalf("closed subscription: got %v, open %v, dropped %v", got, open, sub.Dropped())
	}
	if got, open := drain(other); !open || !slices.Equal(got, []int64{1}) {
		t.Fatalf("other subscriber: got %v, open %v", got, open)
	}
}

func TestBrokerCloseEndsEverySubscription(t *testing.T) {
	b := realtime.NewBroker(realtime.BrokerOptions{})
	before := b.SubscribeBranch(1, 2)
	b.Close()
	b.Close()
	after := b.SubscribeThread(1)
	b.Publish(hub.ThreadEvent{ID: 1, ThreadID: 1, BranchID: 1})
	for name, sub := range map[string]*realtime.Subscription{"before": before, "after": after} {
		if got, open := drain(sub); open || len(got) != 0 || sub.Dropped() {
			t.Fatalf("subscription made %s Close: got %v, open %v, dropped %v", name, got, open, sub.Dropped())
		}
		sub.Close()
	}
}

func TestBrokerIsSafeForConcurrentUse(t *testing.T) {
	b := realtime.NewBroker(realtime.BrokerOptions{Buffer: 4})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				var sub *realtime.Subscription
				if i%2 == 0 {
					sub = b.SubscribeThread(int64(g % 3))
				} else {
					sub = b.SubscribeBranch(int64(g%3), 5)
				}
				drain(sub)
				sub.Close()
			}
		})
	}
	wg.Go(func() {
		for id := range int64(2000) {
			b.Publish(hub.ThreadEvent{ID: id, ThreadID: id % 3, BranchID: id % 3})
		}
	})
	wg.Wait()
}
