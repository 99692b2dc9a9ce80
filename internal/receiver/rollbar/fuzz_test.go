package rollbar

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lookout/internal/errortrack"
)

// FuzzDecode feeds arbitrary bodies to the payload decoder: it must never
// panic, and what it accepts must group to a fingerprint and carry a uuid,
// a level and data that is still JSON.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(sdkDir, "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"data":{"environment":"x","body":{"trace":{"frames":[{"filename":"a.py"}],"exception":{"class":"E"}}}}}`))
	f.Add([]byte(`{"data":{"environment":"x","body":{"crash_report":{"raw":"Thread 0 Crashed:\n0 app 0x1"}}}}`))
	f.Add([]byte(`{"data":{"environment":"x","timestamp":1e300,"body":{"message":{"body":"m"}}}}`))
	now := time.Unix(1764072000, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			return
		}
		occ, ev, err := decodeData(env.Data, "p", now)
		if err != nil {
			return
		}
		if errortrack.Fingerprint(ev) == "" || occ.UUID == "" || occ.Level.String() == "" || !json.Valid(occ.Data) {
			t.Fatalf("accepted an incomplete occurrence: %+v", occ)
		}
	})
}
