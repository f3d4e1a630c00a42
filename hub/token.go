package hub

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// tokenPrefix makes a leaked token recognisable in logs and secret scanners.
const tokenPrefix = "nrd_"

// NewToken returns a fresh secret token, as the DMS nodes and the lockers'
// kiosks are given: 256 random bits. Only its hash (HashToken) is stored.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: random: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}
