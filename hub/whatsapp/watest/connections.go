package watest

import (
	"bytes"

	"go.mau.fi/whatsmeow/proto/waAdv"
	wastore "go.mau.fi/whatsmeow/store"
)

// Disconnects counts Disconnect calls (the hub dropping the connection
// itself: shutting down, waiting out a ban, reconnecting).
func (f *Fake) Disconnects() int { f.Lock(); defer f.Unlock(); return f.disconnected }

// Pairable readies a fake's device for ScanQR/Pair on a real session
// store: whatsmeow saves the identity the phone signs when linking
// (Device.Account), which a device that never met a phone lacks, so saving
// it would panic or break the store's checks. Use it as (or in)
// Registry.Setup.
func Pairable(f *Fake) {
	f.Lock()
	defer f.Unlock()
	if f.Device != nil {
		SignedByPhone(f.Device)
	}
}

// SignedByPhone gives a device the phone's signed identity (placeholder
// bytes of the right sizes) unless it has one, as linking would.
func SignedByPhone(d *wastore.Device) {
	if d.Account != nil {
		return
	}
	d.Account = &waAdv.ADVSignedDeviceIdentity{
		Details:             []byte("fake"),
		AccountSignatureKey: bytes.Repeat([]byte{1}, 32),
		AccountSignature:    bytes.Repeat([]byte{2}, 64),
		DeviceSignature:     bytes.Repeat([]byte{3}, 64),
	}
}
