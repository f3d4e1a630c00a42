package inbound_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"naryad/email/inbound"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// writeCert writes a self-signed certificate and its key as PEM files.
func writeCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "reply.example.pl"},
		DNSNames: []string{"reply.example.pl"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// With a certificate and key the listener offers STARTTLS, and a reply
// sent over it lands; a half configuration is refused at start.
func TestStartTLS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		certFile, keyFile := writeCert(t)
		conf, err := inbound.LoadTLS(certFile, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		r := newRig(t, s, inbound.Options{TLS: conf})
		to := r.addrs.ThreadReply(r.f.Thread.ID)
		c, err := smtp.DialStartTLS(r.addr, &tls.Config{ServerName: "reply.example.pl", InsecureSkipVerify: true}) //nolint:gosec // a test's self-signed certificate
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.SendMail("anna@example.pl", []string{to}, strings.NewReader(string(replyMail(t, to, "tls@example.pl")))); err != nil {
			t.Fatal(err)
		}
		if state, ok := c.TLSConnectionState(); !ok || !state.HandshakeComplete {
			t.Fatal("no TLS after STARTTLS")
		}
		if got := r.inbound(t); len(got) != 1 {
			t.Fatalf("%d messages over TLS", len(got))
		}
		if _, err := inbound.LoadTLS(certFile, ""); err == nil {
			t.Fatal("a certificate without its key was taken")
		}
		if conf, err := inbound.LoadTLS("", ""); conf != nil || err != nil {
			t.Fatalf("no files: %v %v", conf, err)
		}
	})
}
