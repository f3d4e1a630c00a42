// Package admincmd holds the hub's administration commands on the command
// line: `naryad branch add`, `user add`, `status map` and `status list`,
// `template set` and `template keys`, and the key lockers' `locker site
// add/revoke`, `locker sites` and `locker pin set`, and a branch's online
// payments' `payments set` and `payments off`. The same changes made
// from the browser are pages in hub/web/admin; both share the core's rules
// (hub.ValidateBranch, the store).
package admincmd
