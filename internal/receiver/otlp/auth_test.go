package otlp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"lookout/internal/identity"
)

// keyIdentify grants project "shop" to the key "good" and refuses the
// rest, as identity.Ingest does with keys configured.
func keyIdentify(header func(string) string, _ string) (string, error) {
	switch identity.BearerKey(header) {
	case "good":
		return "shop", nil
	case "":
		return "", fmt.Errorf("%w: no key", identity.ErrUnauthenticated)
	}
	return "", fmt.Errorf("%w: not this one", identity.ErrForbidden)
}

func TestIdentifyHTTP(t *testing.T) {
	r, sink, _ := startReceiver(t, func(c *Config) { c.Identify = keyIdentify })
	body := spansRequest(t, [2][]byte{bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 8)})
	for _, tc := range []struct {
		name    string
		headers map[string]string
		status  int
		project string
	}{
		{"no key", nil, http.StatusUnauthorized, ""},
		{"wrong key", map[string]string{"Authorization": "Bearer bad"}, http.StatusForbidden, ""},
		{"bearer key", map[string]string{"Authorization": "Bearer good"}, http.StatusOK, "shop"},
		{"x-lookout-key", map[string]string{"X-Lookout-Key": "good"}, http.StatusOK, "shop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(sink.Spans())
			req, _ := http.NewRequest(http.MethodPost, "http://"+r.HTTPAddr().String()+PathTraces, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-protobuf")
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			reply, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d %q, want %d", resp.StatusCode, reply, tc.status)
			}
			spans := sink.Spans()
			if tc.project == "" && len(spans) != n {
				t.Fatalf("a refused export reached the sink")
			}
			if tc.project != "" && (len(spans) != n+1 || spans[n].Project != tc.project) {
				t.Fatalf("sink: %d spans, want the new one in %q", len(spans), tc.project)
			}
		})
	}
}

func TestIdentifyGRPC(t *testing.T) {
	r, sink, _ := startReceiver(t, func(c *Config) { c.Identify = keyIdentify })
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(spansRequest(t, [2][]byte{bytes.Repeat([]byte{3}, 16), bytes.Repeat([]byte{4}, 8)}), &req); err != nil {
		t.Fatal(err)
	}
	client := coltracepb.NewTraceServiceClient(dial(t, r))
	for _, tc := range []struct {
		name    string
		md      []string
		code    codes.Code
		project string
	}{
		{"no key", nil, codes.Unauthenticated, ""},
		{"wrong key", []string{"authorization", "Bearer bad"}, codes.PermissionDenied, ""},
		{"bearer key", []string{"authorization", "Bearer good"}, codes.OK, "shop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(sink.Spans())
			ctx := metadata.AppendToOutgoingContext(context.Background(), tc.md...)
			_, err := client.Export(ctx, &req)
			if status.Code(err) != tc.code {
				t.Fatalf("Export: %v, want %s", err, tc.code)
			}
			if spans := sink.Spans(); (tc.project == "" && len(spans) != n) ||
				(tc.project != "" && (len(spans) != n+1 || spans[n].Project != tc.project)) {
				t.Fatalf("sink holds %d spans after %d", len(spans), n)
			}
		})
	}
}
