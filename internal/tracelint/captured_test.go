package tracelint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/receiver/xray/segment"
)

// The leak scenario captured from aws-xray-sdk-go (by the X-Ray receiver's
// TestCaptureSDK): the SDK sent a subsegment still in progress.
func TestLintCapturedLeak(t *testing.T) {
	files, _ := filepath.Glob("../receiver/xray/testdata/sdk/leak_*.json")
	var spans []model.Span
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, e := segment.Parse(b)
		if e != nil {
			t.Fatalf("%s: %v", f, e)
		}
		spans = append(spans, segment.Map(model.DefaultProject, d, strings.TrimSpace(string(b)))...)
	}
	cfg := DefaultConfig()
	cfg.Now = func() time.Time { return time.Unix(1795648731, 0).Add(time.Hour) }
	r := Check(cfg, spans)
	if len(r.Findings) != 1 || r.Findings[0].Rule != RuleUnclosed || r.Findings[0].Name != "forgotten-call" ||
		r.Findings[0].Path != "shop > forgotten-call" {
		t.Errorf("findings %+v", r.Findings)
	}
}
