package hub

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// UnsubscribePath is where the one-click unsubscribe page is served; the
// token follows it.
const UnsubscribePath = "/unsubscribe/"

// Unsubscribes makes and checks the one-click unsubscribe addresses of
// e-mails (RFC 8058): /unsubscribe/<customer>-<purpose>-<mac>. The MAC
// (HMAC-SHA256 of the server secret, 128 bits in hex) binds the customer
// to the purpose, so nobody can unsubscribe another customer by counting,
// and the address needs no table: it works for as long as the secret.
type Unsubscribes struct {
	secret  []byte
	baseURL string
}

// NewUnsubscribes needs the server secret and the public base URL.
func NewUnsubscribes(secret, baseURL string) (*Unsubscribes, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("unsubscribes: secret must be at least 32 characters")
	}
	return &Unsubscribes{secret: []byte(secret), baseURL: strings.TrimRight(baseURL, "/")}, nil
}

// Token is the path segment naming customer and purpose.
func (u *Unsubscribes) Token(customerID int64, purpose string) string {
	id := strconv.FormatInt(customerID, 10)
	return id + "-" + purpose + "-" + u.mac(id, purpose)
}

// URL is the address an e-mail's List-Unsubscribe header and footer carry.
func (u *Unsubscribes) URL(customerID int64, purpose string) string {
	return u.baseURL + UnsubscribePath + u.Token(customerID, purpose)
}

// Parse returns the customer and purpose a token made by Token names; ok
// is false for anything else (a forged or cut token).
func (u *Unsubscribes) Parse(token string) (customerID int64, purpose string, ok bool) {
	parts := strings.Split(token, "-")
	if len(parts) != 3 || parts[1] == "" {
		return 0, "", false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != parts[0] {
		return 0, "", false
	}
	if !hmac.Equal([]byte(parts[2]), []byte(u.mac(parts[0], parts[1]))) {
		return 0, "", false
	}
	return id, parts[1], true
}

func (u *Unsubscribes) mac(id, purpose string) string {
	m := hmac.New(sha256.New, u.secret)
	m.Write([]byte("naryad unsubscribe\x00" + id + "\x00" + purpose))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
