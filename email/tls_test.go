package email_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
	"naryad/internal/mailpit"
)

// With security starttls and a login, the sender upgrades to TLS before
// it logs in (Mailpit here requires both) and the e-mail arrives under
// that login; a wrong password is temporary: tried again, never sent.
func TestStartTLSAndLogin(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	authFile := filepath.Join(dir, "auth")
	if err := os.WriteFile(authFile, []byte("naryad:s3cret-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mp := mailpit.Start(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls", "--smtp-auth-file", authFile)
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		bad := w.queue(t, "anna@example.pl", "Przypomnienie", "x", "", "")
		w.run(t, tlsSender(t, w, mp, pool, "wrong"), outboxOpts())
		failed := waitDelivery(t, s, bad.ID)
		as, _ := s.DeliveryAttempts(t.Context(), storetest.Outbox(t, s, bad.ID).ID)
		if failed.Delivery != hub.DeliveryFailed || len(as) != 3 || !strings.Contains(failed.Error, "smtp connect") || !strings.Contains(failed.Error, "535") {
			t.Fatalf("with a wrong password: %s %q after %d attempts, want failed after 3", failed.Delivery, failed.Error, len(as))
		}
	})
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		w := newWorld(t, s)
		m := w.queue(t, "anna@example.pl", "Przypomnienie", "Przegląd za 5 dni.", "", "")
		w.run(t, tlsSender(t, w, mp, pool, "s3cret-pass"), outboxOpts())
		if sent := waitDelivery(t, s, m.ID); sent.Delivery != hub.DeliverySent {
			t.Fatalf("message: %s %q", sent.Delivery, sent.Error)
		}
		parts, _ := s.MessageEmail(t.Context(), m.ID)
		if got := mp.WaitMessage(t, parts.HeaderID, 10*time.Second); got.Username != "naryad" {
			t.Fatalf("received under login %q", got.Username)
		}
	})
}

// tlsSender logs in as naryad with password after STARTTLS, trusting pool.
func tlsSender(t *testing.T, w world, mp *mailpit.Server, pool *x509.CertPool, password string) *email.Sender {
	t.Helper()
	snd, err := email.NewSender(w.store, email.Options{
		SMTP: email.SMTP{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: email.SecurityStartTLS,
			Username: "naryad", Password: password, Timeout: 5 * time.Second,
			TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}},
		Addresses: w.addrs, DefaultFrom: "noreply@example.pl",
	})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// the pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
