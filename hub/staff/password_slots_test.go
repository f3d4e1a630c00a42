package staff

import (
	"context"
	"testing"
	"time"
)

// A check past the bound waits for a slot, and gives up with its context.
func TestPasswordSlotsBoundChecksAtOnce(t *testing.T) {
	s := newPasswordSlots(2)
	ctx := context.Background()
	if !s.take(ctx) || !s.take(ctx) {
		t.Fatal("the first two checks did not get a slot")
	}
	expired, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	if s.take(expired) {
		t.Fatal("a third check got a slot while two were taken")
	}
	got := make(chan bool)
	go func() { got <- s.take(ctx) }()
	s.give()
	if !<-got {
		t.Fatal("a waiting check did not get the slot given back")
	}
	if n := cap(newPasswordSlots(0)); n < 2 {
		t.Fatalf("default slots: %d, want at least 2", n)
	}
}
