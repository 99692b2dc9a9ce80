package xrayread

import (
	"testing"

	"go.uber.org/goleak"
)

// The store the tests read starts goroutines; none may outlive it.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
