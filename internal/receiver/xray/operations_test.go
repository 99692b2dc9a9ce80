package xray

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"lookout/internal/awsmodel"
)

func TestIsOperationPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/TraceSegments", true},
		{"/CreateGroup", true},
		{"/Frobnicate", true},
		{"/", false},
		{"", false},
		{"/healthz", false},
		{"/api/1/item/", false},
		{"/v1/traces", false},
		{"/Traces/x", false},
		{"TraceSegments", false},
	}
	for _, tc := range tests {
		if got := IsOperationPath(tc.path); got != tc.want {
			t.Errorf("IsOperationPath(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
	for _, op := range awsmodel.XRay.Operations {
		if !IsOperationPath(op.Path) {
			t.Errorf("operation path %s of %s is not recognised", op.Path, op.Name)
		}
	}
}

func TestUnsupported(t *testing.T) {
	tests := []struct {
		method, path, want string
	}{
		{"POST", "/CreateGroup", "X-Ray operation CreateGroup (POST /CreateGroup) is not supported"},
		{"POST", "/Groups", "X-Ray operation GetGroups (POST /Groups) is not supported"},
		{"GET", "/TraceSegments", "X-Ray operation PutTraceSegments is a POST to /TraceSegments, not a GET"},
		{"POST", "/Frobnicate", "POST /Frobnicate is not an X-Ray API operation"},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		Unsupported(rec, httptest.NewRequest(tc.method, tc.path, nil))
		var body struct{ Message string }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v: %q", tc.method, tc.path, err, rec.Body)
		}
		if rec.Code != 404 || rec.Header().Get("X-Amzn-ErrorType") != "UnknownOperationException" ||
			rec.Header().Get("Content-Type") != "application/json" || !strings.Contains(body.Message, tc.want) {
			t.Errorf("%s %s: %d %v %q, want 404 UnknownOperationException %q", tc.method, tc.path, rec.Code, rec.Header(), body.Message, tc.want)
		}
	}
}
