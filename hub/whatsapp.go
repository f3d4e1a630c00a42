package hub

import "time"

// States of a WhatsApp account, as the admin page shows them.
const (
	WAUnlinked     = "unlinked"     // created, no phone linked yet
	WAConnecting   = "connecting"   // linked, connection being made
	WAConnected    = "connected"    // sending and receiving
	WADisconnected = "disconnected" // connection lost, reconnecting with backoff
	WALoggedOut    = "logged_out"   // the phone removed this device: link again
	WABanned       = "banned"       // temporarily banned until BanExpiresAt
	WAReplaced     = "replaced"     // another session took over the same keys
	WAOutdated     = "outdated"     // WhatsApp refuses this naryad version (405): upgrade
)

// WAAccount is a WhatsApp number a branch writes from (one of possibly
// several). JID is whatsmeow's device JID once linked.
type WAAccount struct {
	ID            int64
	BranchID      int64
	Name          string
	JID           string `gorm:"column:jid"`
	Phone         string
	State         string
	StateDetail   string
	StateSince    time.Time
	BanExpiresAt  *time.Time
	LinkCode      string
	LinkExpiresAt *time.Time
	MinIntervalMs int
	DailyNewChats int
	DailySends    int // WhatsApp messages a day at most (0: no cap)
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName pins the table name.
func (WAAccount) TableName() string { return "wa_accounts" }

// Usable tells whether messages can go out through the account now or
// soon: connected, or reconnecting after a network loss. Logged out, banned,
// replaced and never-linked accounts send nothing (their messages fall back
// to SMS).
func (a WAAccount) Usable() bool {
	return a.State == WAConnected || a.State == WAConnecting || a.State == WADisconnected
}

// Group states.
const (
	WAGroupActive = "active" // messages of the thread go to the group
	WAGroupFailed = "failed" // creating it failed; the thread stays in the direct chat
	WAGroupLeft   = "left"   // the account left it after hand-over
	// WAGroupInvited: created, but the customer is not in it (their privacy
	// settings refused the add and they got an invite link, or they left):
	// the thread stays in the direct chat until they join.
	WAGroupInvited = "invited"
)

// WAGroup is the WhatsApp group of one work order's thread: the customer,
// the advisor and the master, with the branch's account as admin.
type WAGroup struct {
	ID        int64
	ThreadID  int64
	AccountID int64
	JID       string `gorm:"column:jid"`
	Name      string
	State     string
	LastError string
	CreatedAt time.Time
	LeftAt    *time.Time
}

// TableName pins the table name.
func (WAGroup) TableName() string { return "wa_groups" }
