package awsmodel

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkValidatePutLogEvents measures what the model's check adds to a
// full PutLogEvents batch: 10,000 events of ~80 bytes (~1 MB of JSON).
func BenchmarkValidatePutLogEvents(b *testing.B) {
	v, err := NewValidator(Logs)
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString(`{"logGroupName":"/bench/app","logStreamName":"web-1","logEvents":[`)
	for i := range 10_000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"timestamp":%d,"message":"GET /api/items/%d 200 12ms user=alice trace=1-5759e988-bd862e3fe1be46a9"}`, 1_800_000_000_000+i, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if vs := v.Validate("PutLogEvents", body); len(vs) > 0 {
			b.Fatal(Message(vs))
		}
	}
}
