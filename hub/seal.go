package hub

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// Sealer encrypts the credentials the hub must keep usable (a payment
// provider's secret key), so a copy of the database alone does not give
// them away. The key is derived from the server secret (LoadSecret), which
// lives outside the database; every instance shares it. Changing the
// server secret makes sealed values unreadable: they must be set again.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives the sealing key from the server secret.
func NewSealer(serverSecret string) (*Sealer, error) {
	if serverSecret == "" {
		return nil, errors.New("sealer: empty server secret")
	}
	key, err := hkdf.Key(sha256.New, []byte(serverSecret), nil, "naryad credentials v1", 32)
	if err != nil {
		return nil, fmt.Errorf("sealer: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealer: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain; the empty string stays empty (nothing set).
func (s *Sealer) Seal(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), nil)), nil
}

// ErrUnsealable means a sealed value cannot be opened: it was sealed under
// another server secret, or it was changed in the database.
var ErrUnsealable = errors.New("sealed value cannot be opened: set it again (was the server secret changed?)")

// Open decrypts what Seal made.
func (s *Sealer) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", ErrUnsealable
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", ErrUnsealable
	}
	return string(plain), nil
}
