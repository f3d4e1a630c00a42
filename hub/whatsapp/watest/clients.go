package watest

import (
	"sync"
	"testing"
	"time"

	"naryad/hub/whatsapp"
)

// Clients is a whatsapp.Clients over the clients a test sets, standing in
// for the Manager when a test drives the sender, the media worker or the
// group sweeper on its own.
type Clients struct {
	mu sync.Mutex
	m  map[int64]whatsapp.Client
}

// Client returns the account's client when the test set one.
func (c *Clients) Client(accountID int64) (whatsapp.Client, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl, ok := c.m[accountID]
	return cl, ok
}

// Set gives an account a client (nil takes it away).
func (c *Clients) Set(accountID int64, cl whatsapp.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]whatsapp.Client{}
	}
	if cl == nil {
		delete(c.m, accountID)
		return
	}
	c.m[accountID] = cl
}

// Eventually polls cond until it holds, failing the test after a generous
// deadline: the hub works on its own goroutines, and a test waits for what
// it expects rather than sleeping a fixed time before asserting.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
