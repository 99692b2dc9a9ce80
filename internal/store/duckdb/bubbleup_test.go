package duckdb

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// TestBubbleUpSampled drives the sampled path (sides larger than
// Config.BubbleUpSample) and checks its estimates against the exact counts
// of the generated data: a planted region=eu on slow spans must rank first
// and its proportions must be close to the truth.
func TestBubbleUpSampled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Dir, cfg.MemoryLimit, cfg.Threads = t.TempDir(), "256MB", 2
	cfg.BubbleUpSample = 4000
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	const n = 60_000
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	var slowEU, slow, fastEU, fast int64
	batch := &model.Batch{}
	for i := range n {
		start := day.Add(time.Duration(i) * (20 * time.Hour / n))
		isSlow := r.Float64() < 0.2
		dur := 10 * time.Millisecond
		p := 0.1 // share of region=eu
		if isSlow {
			dur, p = 500*time.Millisecond, 0.8
		}
		region := "us"
		if r.Float64() < p {
			region = "eu"
		}
		switch {
		case isSlow && region == "eu":
			slowEU++
		case isSlow:
			slow++
		case region == "eu":
			fastEU++
		default:
			fast++
		}
		sp := testSpan(byte(i), start)
		sp.SpanID = model.SpanID{byte(i >> 16), byte(i >> 8), byte(i), 1}
		sp.EndUnixNano = start.Add(dur).UnixNano()
		sp.Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue("api")}}
		sp.Attributes = model.Attributes{{Key: "region", Value: model.StringValue(region)}}
		batch.Spans = append(batch.Spans, sp)
		if len(batch.Spans) == 10_000 {
			if err := s.Write(t.Context(), batch); err != nil {
				t.Fatal(err)
			}
			batch = &model.Batch{}
		}
	}
	q := query.Query{Start: day, End: day.Add(24 * time.Hour), Granularity: time.Minute,
		Calculations: []query.Calculation{{Op: query.OpCount}}, Limit: 1000, FilterCombination: query.And}
	minMs := 100.0
	res, err := s.BubbleUp(t.Context(), "p", q, query.Selection{Column: query.ColDuration, Min: &minMs})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inside != slowEU+slow || res.Outside != fastEU+fast {
		t.Fatalf("sides %d/%d, want the exact %d/%d", res.Inside, res.Outside, slowEU+slow, fastEU+fast)
	}
	var region *query.BubbleUpColumn
	for i := range res.Columns {
		if res.Columns[i].Column == "region" {
			region = &res.Columns[i]
		}
	}
	if region == nil {
		t.Fatalf("no region column in %+v", res.Columns)
	}
	if res.Columns[0].Column != query.ColDuration && res.Columns[0].Column != "region" {
		t.Errorf("first column %q, want duration_ms or region", res.Columns[0].Column)
	}
	wantIn := float64(slowEU) / float64(slowEU+slow)
	wantOut := float64(fastEU) / float64(fastEU+fast)
	for _, v := range region.Values {
		if v.Value != "eu" {
			continue
		}
		if math.Abs(v.InsideFraction-wantIn) > 0.05 || math.Abs(v.OutsideFraction-wantOut) > 0.05 {
			t.Errorf("region=eu inside %.3f outside %.3f, want about %.3f and %.3f",
				v.InsideFraction, v.OutsideFraction, wantIn, wantOut)
		}
		return
	}
	t.Errorf("region=eu missing from %+v", region.Values)
}
