package lockerhub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"naryad/hub"
	"naryad/lockerwire"
)

// answer builds what the kiosk needs to decide on its own until its next
// sync. Site, compartments, work orders and staff go out only when they
// differ from what the kiosk says it has (known, a Digest it applied).
func (s *Service) answer(ctx context.Context, site hub.LockerSite, branch hub.Branch, known string) (lockerwire.SyncResponse, error) {
	compartments, err := s.store.LockerCompartments(ctx, site.ID)
	if err != nil {
		return lockerwire.SyncResponse{}, err
	}
	state := kioskState{
		Site: lockerwire.Site{ID: site.ID, Name: site.Name, Locale: branch.Locale, Branch: branch.Name, Phone: branch.Phone,
			TimeZone: branch.TimeZone},
		Compartments: make([]lockerwire.Compartment, len(compartments)),
	}
	var held, heldLoans []int64
	for i, c := range compartments {
		state.Compartments[i] = lockerwire.Compartment{ID: c.ID, Board: c.Board, Lock: c.Lock, Size: c.Size, Label: c.Label}
		if c.WorkOrderID != nil {
			held = append(held, *c.WorkOrderID)
		}
		if c.LoanID != nil {
			heldLoans = append(heldLoans, *c.LoanID)
		}
	}
	if state.WorkOrders, err = s.workOrders(ctx, site, branch, held); err != nil {
		return lockerwire.SyncResponse{}, err
	}
	loans, err := s.loanEntries(ctx, branch, heldLoans)
	if err != nil {
		return lockerwire.SyncResponse{}, err
	}
	state.WorkOrders = append(state.WorkOrders, loans...)
	if state.Staff, err = s.staff(ctx, branch); err != nil {
		return lockerwire.SyncResponse{}, err
	}
	commands, err := s.commands(ctx, site)
	if err != nil {
		return lockerwire.SyncResponse{}, err
	}
	digest, err := state.digest()
	if err != nil {
		return lockerwire.SyncResponse{}, err
	}
	resp := lockerwire.SyncResponse{Digest: digest, Commands: commands, ServerTime: time.Now().UTC()}
	if digest == known {
		resp.Unchanged = true
		return resp, nil
	}
	resp.Site, resp.Compartments, resp.WorkOrders, resp.Staff = state.Site, state.Compartments, state.WorkOrders, state.Staff
	return resp, nil
}

// kioskState is the part of an answer the kiosk caches, hashed into the
// digest in a fixed order.
type kioskState struct {
	Site         lockerwire.Site          `json:"site"`
	Compartments []lockerwire.Compartment `json:"compartments"`
	WorkOrders   []lockerwire.WorkOrder   `json:"work_orders"`
	Staff        []lockerwire.StaffPIN    `json:"staff"`
}

func (k kioskState) digest() (string, error) {
	raw, err := json.Marshal(k)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// workOrders lists the branch's open work orders and those whose keys a
// compartment holds, each with the hashes of what its customer may type.
func (s *Service) workOrders(ctx context.Context, site hub.LockerSite, branch hub.Branch, held []int64) ([]lockerwire.WorkOrder, error) {
	orders, err := s.store.LockerOrders(ctx, branch.ID, held)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	codes, err := s.store.LiveLockerCodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	live := make(map[int64]map[string]hub.LockerCode, len(codes))
	for _, c := range codes {
		if live[c.WorkOrderID] == nil {
			live[c.WorkOrderID] = map[string]hub.LockerCode{}
		}
		live[c.WorkOrderID][c.Kind] = c // ordered by id: the newest wins
	}
	out := make([]lockerwire.WorkOrder, len(orders))
	for i, o := range orders {
		w := lockerwire.WorkOrder{ID: o.ID, Number: o.Number, Ready: o.Status == hub.StatusReady, Paid: o.Paid}
		if last4 := lastDigits(o.Phone, 4); last4 != "" {
			w.OrderKeySalt = orderKeySalt(site.ID, o.ID)
			w.OrderKeyHash = lockerwire.Hash(w.OrderKeySalt, lockerwire.OrderKey(o.Number, last4))
		}
		if c, ok := live[o.ID][hub.LockerCodeDropOff]; ok {
			w.DropOffHash, w.DropOffSalt = c.Hash, c.Salt
		}
		if c, ok := live[o.ID][hub.LockerCodePickup]; ok && o.Paid {
			w.PickupHash, w.PickupSalt = c.Hash, c.Salt
		}
		out[i] = w
	}
	return out, nil
}

// orderKeySalt is derived, not random, so the order key's hash, and with it
// the digest, stays the same from one sync to the next.
func orderKeySalt(siteID, workOrderID int64) string {
	sum := sha256.Sum256([]byte("naryad locker order key\x00" + strconv.FormatInt(siteID, 10) + "\x00" + strconv.FormatInt(workOrderID, 10)))
	return hex.EncodeToString(sum[:16])
}

// lastDigits returns the last n digits of s, or "" when it has fewer.
func lastDigits(s string, n int) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < n {
		return ""
	}
	return string(d[len(d)-n:])
}

func (s *Service) staff(ctx context.Context, branch hub.Branch) ([]lockerwire.StaffPIN, error) {
	rows, err := s.store.LockerStaffPINs(ctx, branch.ID)
	if err != nil {
		return nil, err
	}
	out := make([]lockerwire.StaffPIN, len(rows))
	for i, r := range rows {
		out[i] = lockerwire.StaffPIN{UserID: r.UserID, Login: r.Login, Name: r.Name, PINHash: r.Hash, PINSalt: r.Salt}
	}
	return out, nil
}

func (s *Service) commands(ctx context.Context, site hub.LockerSite) ([]lockerwire.Command, error) {
	rows, err := s.store.PendingLockerCommands(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	out := make([]lockerwire.Command, len(rows))
	for i, c := range rows {
		out[i] = lockerwire.Command{ID: c.ID, CompartmentID: c.CompartmentID, Reason: c.Reason, By: c.Login, At: c.CreatedAt}
	}
	return out, nil
}
