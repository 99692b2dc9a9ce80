package otlp

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// nopSink accepts everything.
type nopSink struct{}

func (nopSink) Submit(context.Context, *model.Batch) (pipeline.Result, error) {
	return pipeline.Result{}, nil
}

// fuzzHandler posts body to path as ct and checks that the answer is one an
// OTLP client can act on: never a panic, never a 5xx for bad input.
func fuzzHandler(f *testing.F, path, ct string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	cfg := DefaultConfig()
	cfg.MaxRequestBytes = 1 << 20
	r, err := New(cfg, nopSink{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		r.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 413:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.String())
		}
	})
}

func FuzzDecodeTracesProto(f *testing.F) {
	fuzzHandler(f, PathTraces, ctProtobuf, captured(f, "traces_go_sdk.pb"), spansRequest(f, goodID, noIDs))
}

func FuzzDecodeTracesJSON(f *testing.F) {
	fuzzHandler(f, PathTraces, ctJSON, testdata(f, "traces_handwritten.json"), []byte(`{"resourceSpans":[{}]}`))
}

func FuzzDecodeLogsProto(f *testing.F) {
	fuzzHandler(f, PathLogs, ctProtobuf, captured(f, "logs_go_sdk.pb"))
}

func FuzzDecodeLogsJSON(f *testing.F) {
	fuzzHandler(f, PathLogs, ctJSON, testdata(f, "logs_handwritten.json"))
}

func FuzzDecodeMetricsProto(f *testing.F) {
	fuzzHandler(f, PathMetrics, ctProtobuf, captured(f, "metrics_go_sdk.pb"), histogramsRequest(f, 3, 1))
}

func FuzzDecodeMetricsJSON(f *testing.F) {
	fuzzHandler(f, PathMetrics, ctJSON, testdata(f, "metrics_handwritten.json"), []byte(`{"resourceMetrics":[{}]}`))
}
