// Package lockerwire is the sync protocol between a locker kiosk and the hub.
//
// The kiosk is the authority on its compartments: it decides every door
// opening from what it last heard from the hub, so it keeps working while the
// hub is unreachable. Every few seconds it POSTs a SyncRequest to SyncPath
// with the events it has not yet had acknowledged and a snapshot of its
// compartments; the hub stores each event once (by its kiosk-made ID),
// answers with the IDs it now holds, and hands back what the kiosk needs to
// decide offline: the site's compartments, the open work orders with their
// hashed drop-off codes and pickup PINs (and the courtesy cars' keys, as
// entries of the same kind), the staff PINs (hashed) and the remote
// openings staff asked for.
package lockerwire

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"
)

// SyncPath is the hub endpoint a kiosk POSTs a SyncRequest to, with
// "Authorization: Bearer <kiosk token>".
const SyncPath = "/api/locker/v1/sync"

// SyncRequest is what a kiosk sends.
type SyncRequest struct {
	// Events not yet acknowledged, oldest first; at most MaxEvents.
	Events []Event `json:"events"`
	// Compartments is the kiosk's view of every compartment now.
	Compartments []CompartmentState `json:"compartments"`
	// Known is the Digest of the last SyncResponse the kiosk applied; the
	// hub leaves Site, Compartments, WorkOrders and Staff out of its answer
	// when they still hash to it.
	Known string `json:"known,omitempty"`
}

// MaxEvents is the most events one SyncRequest may carry.
const MaxEvents = 200

// SyncResponse is the hub's answer.
type SyncResponse struct {
	// Accepted lists the IDs of the request's events the hub now holds,
	// whether stored now or by an earlier request.
	Accepted []string `json:"accepted"`
	// Digest identifies Site, Compartments, WorkOrders and Staff; when it
	// equals the request's Known those four are omitted (Unchanged true).
	Digest    string `json:"digest"`
	Unchanged bool   `json:"unchanged,omitempty"`

	Site         Site          `json:"site"`
	Compartments []Compartment `json:"compartments,omitempty"`
	WorkOrders   []WorkOrder   `json:"work_orders,omitempty"`
	Staff        []StaffPIN    `json:"staff,omitempty"`
	// Commands are remote openings not yet done; always sent.
	Commands []Command `json:"commands,omitempty"`
	// ServerTime lets the kiosk notice a clock far off the hub's.
	ServerTime time.Time `json:"server_time"`
}

// Site is the locker the kiosk drives.
type Site struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Locale string `json:"locale"` // the branch's language: the kiosk's first screen
	Branch string `json:"branch"` // branch name, shown on the kiosk
	Phone  string `json:"phone"`  // branch phone, shown when something goes wrong
	// TimeZone is the branch's IANA zone, e.g. "Europe/Warsaw": the kiosk
	// shows times on the branch's clock, not on its PC's.
	TimeZone string `json:"time_zone,omitempty"`
}

// Location is the site's time zone; the kiosk PC's own while the hub has
// named none (a hub from before zones travelled) or one this PC cannot load.
func (s Site) Location() *time.Location {
	if s.TimeZone == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.Local
	}
	return loc
}

// Compartment sizes.
const (
	SizeS = "S"
	SizeM = "M"
	SizeL = "L"
)

// Compartment is one lockable box: a lock on a board.
type Compartment struct {
	ID    int64  `json:"id"`
	Board int    `json:"board"` // 0–15
	Lock  int    `json:"lock"`  // 1–16 as printed on the board
	Size  string `json:"size"`
	Label string `json:"label"` // what the door says, e.g. "12"
}

// Compartment states, owned by the kiosk.
const (
	StateFree      = "free"       // empty, closed, nobody's
	StateOpen      = "open"       // a door is open for someone right now
	StateHeld      = "held"       // a customer's keys, waiting for staff
	StateWithStaff = "with_staff" // staff took the keys; the box is reserved for nothing
	StateReady     = "ready"      // keys put back by staff, waiting for pickup
	StateAttention = "attention"  // something unexpected: an item left, a sensor disagreeing
	StateBroken    = "broken"     // the board does not answer for this lock
)

// CompartmentState is the kiosk's view of one compartment.
type CompartmentState struct {
	ID          int64     `json:"id"`
	State       string    `json:"state"`
	WorkOrderID int64     `json:"work_order_id,omitempty"` // or LoanKeysID of a courtesy car's key
	Since       time.Time `json:"since"`                   // when State began
	DoorClosed  bool      `json:"door_closed"`
	Item        bool      `json:"item"`
}

// WorkOrder is an open work order of the site's branch, with what a
// customer may type for it. Codes are never sent in clear: each hash is
// Hash(salt, code) with its own salt.
//
// A courtesy car's key (a loan, issue 20) is an entry too, so the kiosk's
// flows serve it as they are: staff put it in for pickup, the pickup hash
// opens its box, the drop-off hash takes it back. Its ID is LoanKeysID(the
// loan's id), below zero where no work order is; Number is the car
// ("WA 12345 Škoda Fabia"); it has no order key. Ready means the key
// belongs in the locker and no box of the branch's lockers holds it (staff
// may put it in), Paid
// that the customer may take it (identity, agreement and deposit done):
// the pickup hash is sent only then, and the drop-off hash only while the
// car is out. Events and compartments name it by the same ID.
type WorkOrder struct {
	ID     int64  `json:"id"`
	Number string `json:"number"` // as the DMS prints it, e.g. "АА-000123"
	// OrderKeyHash matches OrderKey(number, last 4 digits of the phone).
	OrderKeyHash string `json:"order_key_hash,omitempty"`
	OrderKeySalt string `json:"order_key_salt,omitempty"`
	// DropOffHash matches the drop-off code sent to the customer.
	DropOffHash string `json:"drop_off_hash,omitempty"`
	DropOffSalt string `json:"drop_off_salt,omitempty"`
	// PickupHash matches the pickup PIN; set once the work order is ready
	// and paid and its keys are in the locker, cleared once collected.
	PickupHash string `json:"pickup_hash,omitempty"`
	PickupSalt string `json:"pickup_salt,omitempty"`
	Ready      bool   `json:"ready"`
	Paid       bool   `json:"paid"`
}

// StaffPIN lets one staff member open the staff menu.
type StaffPIN struct {
	UserID  int64  `json:"user_id"`
	Login   string `json:"login"`
	Name    string `json:"name"`
	PINHash string `json:"pin_hash"`
	PINSalt string `json:"pin_salt"`
}

// Command is a remote opening an admin asked for in the hub.
type Command struct {
	ID            int64     `json:"id"`
	CompartmentID int64     `json:"compartment_id"`
	Reason        string    `json:"reason"`
	By            string    `json:"by"` // the admin's login
	At            time.Time `json:"at"`
}

// LoanKeysID is the entry ID of a loan's key (see WorkOrder).
func LoanKeysID(loanID int64) int64 { return -loanID }

// IsLoanKeys tells whether an entry ID is a loan's key, not a work order.
func IsLoanKeys(id int64) bool { return id < 0 }

// LoanOf is the loan whose key an entry ID names, ok false for a work
// order (or none).
func LoanOf(id int64) (loanID int64, ok bool) {
	if id < 0 {
		return -id, true
	}
	return 0, false
}

// Event kinds: everything that happens at the locker.
const (
	EventDoorOpened     = "door_opened"      // Detail: dropoff | pickup | staff | reopen
	EventKeysReceived   = "keys_received"    // drop-off done: door closed, item sensed
	EventNoItem         = "dropoff_no_item"  // drop-off door closed with nothing inside
	EventDropOffAborted = "dropoff_aborted"  // customer gave up; compartment freed
	EventKeysTaken      = "keys_taken"       // staff took a customer's keys out
	EventKeysReturned   = "keys_returned"    // staff put keys back for pickup
	EventKeysCollected  = "keys_collected"   // pickup done: door closed, empty; the PIN dies
	EventItemLeft       = "item_left"        // alarm: an item is still inside after pickup
	EventPINLockout     = "pin_lockout"      // alarm: too many wrong codes; entry locked
	EventDoorLeftOpen   = "door_left_open"   // alarm: a door open over a minute
	EventDoorClosed     = "door_closed"      // a door that raised an alarm is closed again
	EventRemoteOpen     = "remote_open"      // a Command was carried out; CommandID set
	EventBoardOffline   = "board_offline"    // alarm: a board stopped answering
	EventBoardOnline    = "board_online"     // it answers again
	EventStateRebuilt   = "state_rebuilt"    // kiosk start: state read back from the boards
	EventUnexpected     = "unexpected_state" // alarm: the boards disagree with the kiosk's records
)

// DetailReopen marks the events of a customer's second opening ("I forgot
// something"): the door_opened, and the keys_received or keys_collected it
// ends with, which the customer has already been told about once.
const DetailReopen = "reopen"

// IsAlarm tells whether an event kind raises an alarm for staff.
func IsAlarm(kind string) bool {
	switch kind {
	case EventItemLeft, EventPINLockout, EventDoorLeftOpen, EventBoardOffline, EventUnexpected:
		return true
	}
	return false
}

// Event is one thing that happened at the locker, made by the kiosk.
type Event struct {
	ID            string    `json:"id"` // random, made by the kiosk: the idempotency key
	Kind          string    `json:"kind"`
	OccurredAt    time.Time `json:"occurred_at"`
	CompartmentID int64     `json:"compartment_id,omitempty"`
	WorkOrderID   int64     `json:"work_order_id,omitempty"` // or LoanKeysID of a courtesy car's key
	CommandID     int64     `json:"command_id,omitempty"`
	// Actor is "customer", "staff:<login>", "admin:<login>" or "kiosk".
	Actor  string `json:"actor"`
	Detail string `json:"detail,omitempty"`
}

// Hash is how a code is kept on both sides: hex SHA-256 of salt and code.
// Codes are short, so the hash only keeps them out of plain sight in a
// database or log; the lockout after wrong entries is what stops guessing.
func Hash(salt, code string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// NewCode is a fresh six-digit code (drop-off code, pickup PIN, staff PIN),
// uniformly random.
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("locker code: random: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Matches tells, in constant time, whether code hashes to hash with salt.
func Matches(hash, salt, code string) bool {
	if hash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hash), []byte(Hash(salt, code))) == 1
}

// OrderKey is what a customer without their code types instead: the digits
// of the work-order number, without leading zeros, and the last four digits
// of their phone ("АА-000123", "+48 601 234 567" → "123|4567").
func OrderKey(number, phoneLast4 string) string {
	return trimZeros(digits(number)) + "|" + digits(phoneLast4)
}

func digits(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
