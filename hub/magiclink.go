package hub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Links makes and recognises customer links (NARYAD_PUBLIC_URL/c/<token>).
//
// A token is HMAC-SHA256(secret, salt): 256 bits no one can guess without the
// server secret. The database keeps only the salt and SHA-256 of the token,
// so a copy of the database alone opens no thread, yet the hub can put the
// same link into every message of a thread without storing it.
type Links struct {
	secret  []byte
	baseURL string
}

// NewLinks needs the server secret and the public base URL.
func NewLinks(secret, baseURL string) (*Links, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("links: secret must be at least 32 characters")
	}
	return &Links{secret: []byte(secret), baseURL: strings.TrimRight(baseURL, "/")}, nil
}

// NewSalt returns 128 fresh random bits, hex-encoded, for a new link.
func NewSalt() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("links: random salt: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Token derives the token of the link with this salt.
func (l *Links) Token(salt string) string {
	mac := hmac.New(sha256.New, l.secret)
	mac.Write([]byte("naryad magic link\x00" + salt))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// URL is the customer-facing address of the link with this salt.
func (l *Links) URL(salt string) string { return l.baseURL + "/c/" + l.Token(salt) }

// HashToken is what the database stores and looks a token up by.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
