package storetest

import (
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// WaitFor polls cond until it holds, failing the test when timeout passes
// first: outbox workers and listeners run on their own goroutines, and a
// test waits for what it expects instead of sleeping a fixed time.
func WaitFor(t testing.TB, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitDelivery waits until the message has left the queue (sent, failed,
// …) and returns it as stored then.
func WaitDelivery(t testing.TB, s *store.Store, id int64, timeout time.Duration) hub.Message {
	t.Helper()
	var m hub.Message
	WaitFor(t, timeout, func() bool {
		m = Message(t, s, id)
		return m.Delivery != hub.DeliveryQueued
	})
	return m
}
