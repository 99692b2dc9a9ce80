package xrayapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"

	"lookout/internal/model"
	"lookout/internal/receiver/xray/segment"
	"lookout/internal/store/duckdb"
	"lookout/internal/xrayread"
)

// sdkDir holds segment documents captured from aws-xray-sdk-go by the X-Ray
// receiver's TestCaptureSDK.
const sdkDir = "../xray/testdata/sdk"

// openStore opens a store in a temporary directory holding spans.
func openStore(t testing.TB, spans ...model.Span) *duckdb.Store {
	t.Helper()
	cfg := duckdb.DefaultConfig()
	cfg.Dir = t.TempDir()
	s, err := duckdb.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	write(t, s, spans...)
	return s
}

// write commits spans to s.
func write(t testing.TB, s *duckdb.Store, spans ...model.Span) {
	t.Helper()
	if len(spans) == 0 {
		return
	}
	if err := s.Write(context.Background(), &model.Batch{Spans: spans}); err != nil {
		t.Fatal(err)
	}
}

// sdkStore opens a store holding every captured aws-xray-sdk-go document,
// mapped as the receiver does.
func sdkStore(t testing.TB) *duckdb.Store {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sdkDir, "*.json"))
	var spans []model.Span
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		spans = append(spans, mapDoc(t, b)...)
	}
	return openStore(t, spans...)
}

// mapDoc parses and maps one document as the receiver does.
func mapDoc(t testing.TB, b []byte) []model.Span {
	t.Helper()
	d, e := segment.Parse(b)
	if e != nil {
		t.Fatalf("parse: %v", e)
	}
	return segment.Map(model.DefaultProject, d, strings.TrimSpace(string(b)))
}

// goOnly hides the store's TraceFinder: filters are then evaluated in Go
// over every trace of the window.
type goOnly struct{ xrayread.Source }

// newReadServer serves the read API over src and returns an SDK client for it.
func newReadServer(t testing.TB, src xrayread.Source, mod func(*xrayread.Config)) (*awsxray.Client, string) {
	t.Helper()
	cfg := xrayread.DefaultConfig()
	if mod != nil {
		mod(&cfg)
	}
	svc, err := xrayread.New(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	api, err := NewReadAPI(DefaultReadConfig(), svc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return sdkClient(srv.URL), srv.URL
}

// sdkClient is an aws-sdk-go-v2 X-Ray client pointed at base.
func sdkClient(base string) *awsxray.Client {
	return awsxray.New(awsxray.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(base),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
}
