package hub

import (
	"net/url"
	"strconv"
	"strings"
)

// Links to the customer's account (issue 19, /account). Unlike a thread's
// link they open nothing by themselves: the account asks the customer to
// sign in with their phone first.

// AccountURL is the customer's account (their garage and bookings).
func (l *Links) AccountURL() string { return l.baseURL + "/account" }

// BookURL is the account's booking page with a vehicle and a branch
// chosen, for the reminders of a vehicle (maintenance, tyres, declined
// work). vehicleID 0 or an empty branch code leaves that choice open.
func (l *Links) BookURL(vehicleID int64, branchCode string) string {
	var q []string // in the order the pages document: vehicle, then branch
	if vehicleID > 0 {
		q = append(q, "vehicle="+strconv.FormatInt(vehicleID, 10))
	}
	if branchCode != "" {
		q = append(q, "branch="+url.QueryEscape(branchCode))
	}
	u := l.baseURL + "/account/book"
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}
