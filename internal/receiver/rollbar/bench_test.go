package rollbar

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

// BenchmarkIngest posts captured rollbar-go payloads (traces and messages,
// spread over 50 fingerprints) through HTTP, decoding, grouping and the
// durable commit, from parallel clients; it reports occurrences/s.
//
//	go test ./internal/receiver/rollbar -run '^$' -bench Ingest -benchtime 5000x
func BenchmarkIngest(b *testing.B) {
	e := newEnv(b)
	var bodies [][]byte
	for _, f := range []string{"error_user12.json", "error_chain.json", "message_info.json", "message_warning.json"} {
		base := readCapture(b, f)
		for i := range 50 {
			bodies = append(bodies, withData(b, base, map[string]any{"fingerprint": fmt.Sprintf("%s-%d", f, i%50)}))
		}
	}
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			resp, err := http.Post(e.srv.URL+"/api/1/item/", "application/json", bytes.NewReader(bodies[int(i)%len(bodies)]))
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "occurrences/s")
}
