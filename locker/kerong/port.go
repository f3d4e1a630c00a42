package kerong

import (
	"fmt"
	"io"
	"time"

	"go.bug.st/serial"
)

// Port is the part of a serial port the driver uses; a go.bug.st/serial
// Port satisfies it.
type Port interface {
	io.ReadWriteCloser
	// SetReadTimeout bounds each Read; a Read that times out returns 0, nil.
	SetReadTimeout(t time.Duration) error
	// ResetInputBuffer drops bytes received but not yet read, such as a
	// late reply to an earlier attempt.
	ResetInputBuffer() error
}

var _ Port = serial.Port(nil)

// openSerial opens path the way the boards talk: 19200 baud, 8N1, no flow
// control.
func openSerial(path string) (Port, error) {
	p, err := serial.Open(path, &serial.Mode{
		BaudRate: 19200,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return p, nil
}
