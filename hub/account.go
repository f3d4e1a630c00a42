package hub

import "time"

// Account is a customer who signed in on the web: a person holding one or
// more verified phone numbers. It owns no data of its own beyond its
// language; its garage and history are whatever the DMS nodes tied to
// those numbers, found afresh on every page.
type Account struct {
	ID                  int64
	Locale              string // ru | pl | en, or "" to follow the browser
	CreatedAt           time.Time
	DeletionRequestedAt *time.Time
}

// AccountPhone is a number the account's holder proved they hold: by a
// one-time code, or by opening the work-order link sent to it.
type AccountPhone struct {
	AccountID  int64
	E164       string `gorm:"column:e164"`
	VerifiedAt time.Time
}

// AccountSession is one signed-in browser. Only the hash of the cookie's
// token is stored. Remember says the browser keeps the cookie across
// restarts ("remember this phone"); otherwise it ends with the browser.
type AccountSession struct {
	ID         int64
	AccountID  int64
	TokenHash  string
	Remember   bool
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	RevokedAt  *time.Time
}
