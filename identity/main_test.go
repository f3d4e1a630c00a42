package identity_test

import (
	"os"
	"testing"

	"naryad/internal/stripemock"
)

// One stripe-mock for the package's tests; each test has its own proxy.
func TestMain(m *testing.M) { os.Exit(stripemock.Main(m)) }
