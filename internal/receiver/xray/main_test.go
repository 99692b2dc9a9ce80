package xray

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"lookout/internal/pipeline"
	"lookout/internal/pipeline/pipelinetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// HTTP transports of the SDK app keep idle connections a moment.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// readDoc returns a captured document from testdata/sdk.
func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sdkDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A valid segment document, in parts.
const (
	okTrace = `"trace_id":"1-5759e988-bd862e3fe1be46a994272793"`
	okID    = `"id":"70de5b6f19ff9a0a"`
	okTimes = `"start_time":1480615200.010,"end_time":1480615200.090`
	okSeg   = `{"name":"checkout",` + okID + `,` + okTrace + `,` + okTimes + `}`
)

// datagram prefixes the daemon header.
func datagram(doc []byte) []byte {
	return append([]byte("{\"format\": \"json\", \"version\": 1}\n"), doc...)
}

// The pipeline is the sink the server wires in.
var _ Sink = (*pipeline.Pipeline)(nil)

// recordingSink records what the receiver hands the pipeline.
type recordingSink = pipelinetest.Recorder
