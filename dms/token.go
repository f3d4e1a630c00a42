package dms

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// tokenPrefix makes a leaked token recognisable in logs and secret scanners.
const tokenPrefix = "nrd_"

// NewToken returns a fresh DMS token: 256 random bits. Only its hash
// (hub.HashToken) is stored.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("dms token: random: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}
