package migrate

import (
	"crypto/sha256"
	"fmt"
)

// itemKey identifies an item by its content: two items are the same when
// every field is. Stores give back neither the difference between a nil
// and an empty slice nor the one between absent and zero, so the key is a
// hash of the %v rendering, which has neither (and prints every float
// exactly, -0 and NaN included).
type itemKey [sha256.Size]byte

func keyOf(v any) itemKey {
	return sha256.Sum256(fmt.Appendf(nil, "%v", v))
}
