package email

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// dkimHeaders are the headers a signature covers: those a receiver shows
// or acts on. From is listed twice (oversigned), so a From added on the
// way cannot ride on the signature.
var dkimHeaders = []string{
	"From", "From", "To", "Subject", "Date", "Message-ID", "Reply-To",
	"MIME-Version", "Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted",
}

// minRSABits is the smallest RSA key accepted: receivers ignore shorter
// DKIM keys (RFC 8301).
const minRSABits = 1024

// dkimKey is a branch's signing identity.
type dkimKey struct {
	Domain   string
	Selector string
	Signer   crypto.Signer
}

// sign prepends a DKIM-Signature to a rendered e-mail (go-mail renders, go-msgauth
// signs: the signature covers the exact bytes that go over the wire).
func (k dkimKey) sign(data []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(data) + 1024)
	err := dkim.Sign(&out, bytes.NewReader(data), &dkim.SignOptions{
		Domain: k.Domain, Selector: k.Selector, Signer: k.Signer,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             dkimHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("dkim sign: %w", err)
	}
	return out.Bytes(), nil
}

// ParseDKIMKey reads a PEM private key as the admin page takes it: RSA
// (PKCS #1 or #8, at least 1024 bits) or Ed25519 (PKCS #8).
func ParseDKIMKey(pemText string) (crypto.Signer, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("not a PEM block (-----BEGIN PRIVATE KEY-----)")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a %q PEM block is not a private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("an RSA key of %d bits is too short (at least %d)", k.N.BitLen(), minRSABits)
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("a %T cannot sign DKIM (RSA or Ed25519)", key)
}

// DKIMRecord is the DNS TXT record that publishes key's public half, for
// <selector>._domainkey.<domain>.
func DKIMRecord(key crypto.Signer) (string, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub), nil
	}
	return "", errors.New("not an RSA or Ed25519 key")
}
