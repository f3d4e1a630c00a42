package lockerhub

import (
	"strings"

	"naryad/hub"
	"naryad/lockerwire"
	"naryad/templates"
)

// describe is the line staff read in a work order's thread: the
// parameters of templates.SysLockerEvent, e.g. Locker «Main», box 12: keys
// received from the customer, in each reader's language.
func describe(site hub.LockerSite, box hub.LockerCompartment, hasBox bool, e lockerwire.Event) map[string]string {
	args := map[string]string{"site": site.Name, "what_key": what(e), "by": who(e.Actor)}
	if hasBox {
		args["box"] = box.Label
	}
	return args
}

// what is the catalog phrase of what happened (an unknown kind: the kind
// itself, shown as it is).
func what(e lockerwire.Event) string {
	switch e.Kind {
	case lockerwire.EventDoorOpened:
		switch e.Detail {
		case "dropoff":
			return templates.SysLockerOpenedDropOff
		case "pickup":
			return templates.SysLockerOpenedPickup
		case "staff":
			return templates.SysLockerOpenedStaff
		case lockerwire.DetailReopen:
			return templates.SysLockerOpenedAgain
		}
		return templates.SysLockerOpened
	case lockerwire.EventKeysReceived:
		return templates.SysLockerKeysReceived
	case lockerwire.EventNoItem:
		return templates.SysLockerNoItem
	case lockerwire.EventDropOffAborted:
		return templates.SysLockerDropOffAborted
	case lockerwire.EventKeysTaken:
		return templates.SysLockerKeysTaken
	case lockerwire.EventKeysReturned:
		return templates.SysLockerKeysReturned
	case lockerwire.EventKeysCollected:
		return templates.SysLockerKeysCollected
	case lockerwire.EventItemLeft:
		return templates.SysLockerItemLeft
	case lockerwire.EventPINLockout:
		return templates.SysLockerPINLockout
	case lockerwire.EventDoorLeftOpen:
		return templates.SysLockerDoorLeftOpen
	case lockerwire.EventDoorClosed:
		return templates.SysLockerDoorClosed
	case lockerwire.EventRemoteOpen:
		return templates.SysLockerRemoteOpen
	case lockerwire.EventBoardOffline:
		return templates.SysLockerBoardOffline
	case lockerwire.EventBoardOnline:
		return templates.SysLockerBoardOnline
	case lockerwire.EventStateRebuilt:
		return templates.SysLockerStateRebuilt
	case lockerwire.EventUnexpected:
		return templates.SysLockerUnexpected
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
