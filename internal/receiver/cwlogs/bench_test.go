package cwlogs

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// putBody builds a PutLogEvents request of n events of about 100 bytes,
// ending at end.
func putBody(group, stream string, n int, end time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"logGroupName":%q,"logStreamName":%q,"logEvents":[`, group, stream)
	start := end.Add(-time.Duration(n) * time.Millisecond)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		level := "INFO"
		if i%1000 == 0 {
			level = "ERROR"
		}
		fmt.Fprintf(&b, `{"timestamp":%d,"message":"{\"level\":\"%s\",\"status\":%d,\"path\":\"/api/items/%d\",\"ms\":%d}"}`,
			start.Add(time.Duration(i)*time.Millisecond).UnixMilli(), level, 200+i%5, i, i%300)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func (e *env) call(b testing.TB, op string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000" // unsigned calls are served to loopback only
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", op, w.Code, w.Body)
	}
	return w
}

func benchEnv(b *testing.B) *env {
	e := newEnv(b)
	e.call(b, "CreateLogGroup", []byte(`{"logGroupName":"bench"}`))
	e.call(b, "CreateLogStream", []byte(`{"logGroupName":"bench","logStreamName":"s"}`))
	return e
}

// BenchmarkPutLogEvents measures 10,000-event batches through the handler,
// the pipeline and DuckDB (durable commit per request).
func BenchmarkPutLogEvents(b *testing.B) {
	b.Run("checked", func(b *testing.B) { benchPut(b, true) })
	// unchecked leaves the model's constraints out, to show their share.
	b.Run("unchecked", func(b *testing.B) { benchPut(b, false) })
}

func benchPut(b *testing.B, checked bool) {
	e := benchEnv(b)
	if !checked {
		e.h.api.Constraints = nil
	}
	body := putBody("bench", "s", 10_000, time.Now())
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for range b.N {
		e.call(b, "PutLogEvents", body)
	}
	b.ReportMetric(float64(b.N*10_000)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFilterLogEvents measures one FilterLogEvents page over a group
// of BENCH_EVENTS (default 200,000) events, for a rare term and a JSON
// pattern.
func BenchmarkFilterLogEvents(b *testing.B) {
	e := benchEnv(b)
	const total = 200_000
	now := time.Now()
	for i := range total / 10_000 {
		e.call(b, "PutLogEvents", putBody("bench", "s", 10_000, now.Add(-time.Duration(total/10_000-i)*10*time.Second)))
	}
	for _, c := range []struct{ name, pattern string }{
		{"term", `ERROR`},
		{"json", `{ $.level = \"ERROR\" \u0026\u0026 $.status = 200 }`},
		{"none", ``},
	} {
		b.Run(c.name, func(b *testing.B) {
			body := []byte(`{"logGroupName":"bench","limit":100,"filterPattern":"` + c.pattern + `"}`)
			for range b.N {
				w := e.call(b, "FilterLogEvents", body)
				if !strings.Contains(w.Body.String(), `"events":[{`) {
					b.Fatalf("no events: %.200s", w.Body)
				}
			}
		})
	}
}
