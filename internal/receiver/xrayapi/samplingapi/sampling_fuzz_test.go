package samplingapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzSamplingRequest sends any body to each sampling operation and to the
// match endpoint: the answer is always a JSON object with a 200 or a 4xx,
// never a panic or a 500. The seed corpus is in
// testdata/fuzz/FuzzSamplingRequest (op selects the path).
func FuzzSamplingRequest(f *testing.F) {
	paths := []string{CreateSamplingRulePath, UpdateSamplingRulePath, DeleteSamplingRulePath, GetSamplingRulesPath,
		SamplingTargetsPath, SamplingStatisticSummariesPath, SamplingMatchPath}
	s := newSamplingServer(f, nil, func(c *samplingConfig) { c.PageSize = 2 })
	mux := http.NewServeMux()
	s.api.Register(mux)
	s.api.RegisterDiagnostics(mux)
	f.Add(uint8(0), []byte(`{"SamplingRule":{"RuleName":"r","ResourceARN":"*","Priority":5,"FixedRate":0.1,"ReservoirSize":1,`+
		`"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","Version":1}}`))
	f.Add(uint8(4), []byte(`{"SamplingStatisticsDocuments":[{"RuleName":"Default","ClientID":"000000000000000000000000",`+
		`"Timestamp":1.7e9,"RequestCount":3,"SampledCount":1}]}`))
	f.Add(uint8(6), []byte(`{"service":"a","path":"http://h:1/x","attributes":{"k":"v"}}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		path := paths[int(op)%len(paths)]
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
		var out map[string]any
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusOK && path == SamplingMatchPath && out["rule"] == nil {
			t.Fatalf("match answered without a rule: %s", rec.Body)
		}
	})
}
