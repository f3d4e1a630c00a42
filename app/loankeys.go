package app

import (
	"naryad/hub/web/loan"
	"naryad/lockerhub"
)

// The customer's loan page (hub/web/loan) hands the courtesy car's key over
// through the branch's key locker: lockerhub.LoanKeys is its Keys. Where
// the page is built (app/server.go), lockerSync.LoanKeys() is loan.Options.Keys.
var _ loan.Keys = (*lockerhub.LoanKeys)(nil)

// LoanKeys is the key lockers' side of the customer's loan page.
func (s *Server) LoanKeys() *lockerhub.LoanKeys { return s.lockers.LoanKeys() }
