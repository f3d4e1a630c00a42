package lockerhub

import (
	"strconv"
	"strings"

	"naryad/hub"
	"naryad/lockerwire"
)

// describe is the line staff read in a work order's thread, e.g.
// `Locker "Main", box 12: keys received from the customer.` Staff notes
// and system lines are in English like the hub's other system lines.
func describe(site hub.LockerSite, box hub.LockerCompartment, hasBox bool, e lockerwire.Event) string {
	var b strings.Builder
	b.WriteString("Locker " + strconv.Quote(site.Name))
	if hasBox {
		b.WriteString(", box " + box.Label)
	}
	b.WriteString(": " + what(e))
	if by := who(e.Actor); by != "" {
		b.WriteString(" (" + by + ")")
	}
	b.WriteString(".")
	return b.String()
}

// what says what happened, without the final full stop.
func what(e lockerwire.Event) string {
	switch e.Kind {
	case lockerwire.EventDoorOpened:
		switch e.Detail {
		case "dropoff":
			return "door opened for a drop-off"
		case "pickup":
			return "door opened for a pickup"
		case "staff":
			return "door opened by staff"
		case lockerwire.DetailReopen:
			return "door opened again"
		}
		return "door opened"
	case lockerwire.EventKeysReceived:
		return "keys received from the customer"
	case lockerwire.EventNoItem:
		return "door closed with nothing inside; the drop-off is not finished"
	case lockerwire.EventDropOffAborted:
		return "drop-off given up; the box is free again"
	case lockerwire.EventKeysTaken:
		return "keys taken out by staff"
	case lockerwire.EventKeysReturned:
		return "keys put back for pickup"
	case lockerwire.EventKeysCollected:
		return "keys collected by the customer"
	case lockerwire.EventItemLeft:
		return "ALARM: something is still inside after the pickup"
	case lockerwire.EventPINLockout:
		return "ALARM: too many wrong codes, code entry locked"
	case lockerwire.EventDoorLeftOpen:
		return "ALARM: door left open"
	case lockerwire.EventDoorClosed:
		return "door closed again"
	case lockerwire.EventRemoteOpen:
		return "opened remotely"
	case lockerwire.EventBoardOffline:
		return "ALARM: a lock board stopped answering"
	case lockerwire.EventBoardOnline:
		return "the lock board answers again"
	case lockerwire.EventStateRebuilt:
		return "kiosk restarted, state read back from the lock boards"
	case lockerwire.EventUnexpected:
		return "ALARM: the lock boards disagree with the kiosk's records"
	}
	return e.Kind
}

// who names the actor for staff: "staff:ivanov" → "staff ivanov"; the
// customer and the kiosk itself go without saying.
func who(actor string) string {
	switch actor {
	case "", "customer", "kiosk":
		return ""
	}
	return strings.Replace(actor, ":", " ", 1)
}
