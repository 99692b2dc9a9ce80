package cwlogs

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"go.uber.org/goleak"

	"lookout/internal/loggroups"
	"lookout/internal/logsearch"
	"lookout/internal/pipeline"
	"lookout/internal/retention"
	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// env is a handler over real stores, a running pipeline and the backends
// the server gives it, served over HTTP, with an SDK client pointed at it.
type env struct {
	h         *Handler
	srv       *httptest.Server
	client    *cloudwatchlogs.Client
	store     *duckdb.Store
	meta      *metaduck.Store
	search    *logsearch.Service
	retention *retention.LogGroups
}

func newEnv(t testing.TB, mutate ...func(*Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dcfg := duckdb.DefaultConfig()
	dcfg.Dir, dcfg.MemoryLimit = filepath.Join(dir, "store"), "256MB"
	st, err := duckdb.Open(ctx, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := metaduck.Open(ctx, metaduck.Config{Path: filepath.Join(dir, "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	pcfg := pipeline.DefaultConfig()
	pcfg.Retention = 30 * 24 * time.Hour
	p, err := pipeline.New(pcfg, st)
	if err != nil {
		t.Fatal(err)
	}
	pctx, stop := context.WithCancel(ctx)
	go p.Run(pctx)
	cfg := DefaultConfig()
	for _, m := range mutate {
		m(&cfg)
	}
	search, err := logsearch.New(logsearch.DefaultConfig(), st, meta)
	if err != nil {
		t.Fatal(err)
	}
	ret, err := retention.NewLogGroups(retention.DefaultLogGroupsConfig(), meta, st)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := loggroups.New(loggroups.DefaultConfig(), loggroups.Deps{Sink: p, Meta: meta, Events: st, Expirer: ret})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg, Backends{Meta: meta, Groups: groups, Reader: search, Insights: search})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	e := &env{h: h, srv: srv, store: st, meta: meta, search: search, retention: ret}
	e.client = cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOOKOUT", "secret", ""),
	})
	t.Cleanup(func() {
		srv.Close()
		search.Close()
		stop()
		<-p.Stopped()
		meta.Close()
		st.Close()
	})
	return e
}
