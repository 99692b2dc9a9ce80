package migrate

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/backend"
	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

var day = time.Now().UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour) // yesterday 00:00

func open(t *testing.T) Stores {
	t.Helper()
	cfg := backend.DefaultConfig()
	cfg.DataDir = t.TempDir()
	s, err := backend.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return Stores{Telemetry: s.Telemetry, Meta: s.Meta}
}

func span(project string, trace byte, id byte, start time.Time) model.Span {
	sp := model.Span{Project: project, Name: fmt.Sprintf("op %d", id), StartUnixNano: start.UnixNano(),
		EndUnixNano: start.Add(time.Millisecond).UnixNano(), Kind: model.SpanKindServer,
		Attributes: model.Attributes{{Key: "n", Value: model.IntValue(int64(id))}},
		Resource:   model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("api")}}}}
	sp.TraceID[0], sp.TraceID[15], sp.SpanID[7] = 0xaa, trace, id
	return sp
}

// telemetry is what the source holds: spans on two days, five of them at
// one instant (more than a batch), one span twice; logs with and without a
// time; a metric point.
func telemetry() *model.Batch {
	b := &model.Batch{}
	for i := range 5 {
		b.Spans = append(b.Spans, span("default", 1, byte(i+1), day.Add(time.Hour)))
	}
	b.Spans = append(b.Spans, span("shop", 2, 9, day.Add(2*time.Hour)), span("shop", 2, 9, day.Add(2*time.Hour)),
		span("default", 3, 1, day.Add(25*time.Hour)))
	b.Logs = []model.LogEvent{
		{Project: "default", TimeUnixNano: day.Add(time.Minute).UnixNano(), ObservedTimeUnixNano: day.Add(time.Minute).UnixNano() + 1,
			Body: model.StringValue("hello"), LogGroup: "/app", LogStream: "s1"},
		{Project: "shop", ObservedTimeUnixNano: day.Add(26 * time.Hour).UnixNano(), Body: model.StringValue("no time")},
	}
	b.Metrics = []model.MetricPoint{{Project: "default", Name: "m", Type: model.MetricGauge,
		TimeUnixNano: day.Add(3 * time.Hour).UnixNano(), Number: model.Number{Kind: model.NumberDouble, Double: -0.5}}}
	return b
}

// fill writes the telemetry and a bit of every kind of metadata into s.
func fill(t *testing.T, s Stores) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Telemetry.Write(ctx, telemetry()))
	_, err := s.Meta.CreateProject(ctx, "shop")
	must(err)
	must(s.Meta.CreateToken(ctx, model.AccessToken{Hash: "h1", Project: "shop", Name: "ci", Scopes: []string{"read"}, Created: day}))
	for i, rev := range []string{"v1", "v2"} {
		_, err = s.Meta.CreateDeploy(ctx, model.Deploy{Project: "shop", Environment: "production", Revision: rev, Status: model.DeploySucceeded,
			LocalUsername: "ci", StartTime: day.Add(time.Duration(i) * time.Hour), FinishTime: day.Add(time.Duration(i)*time.Hour + time.Minute)})
		must(err)
	}
	must(s.Meta.CreateLogGroup(ctx, store.LogGroup{Project: "default", Name: "/app", CreationMillis: day.UnixMilli(),
		RetentionDays: 7, Tags: map[string]string{"team": "web"}}))
	must(s.Meta.CreateLogStream(ctx, store.LogStream{Project: "default", Group: "/app", Name: "s1", CreationMillis: day.UnixMilli()}))
	must(s.Meta.RecordLogEvents(ctx, store.LogStream{Project: "default", Group: "/app", Name: "s1", FirstEventMillis: day.UnixMilli(),
		LastEventMillis: day.UnixMilli() + 5, LastIngestionMillis: day.UnixMilli() + 9, StoredBytes: 5, Events: 1}))
	_, err = s.Meta.PutDocument(ctx, store.Document{Project: "default", Kind: "xray.sampling-rule", Name: "r", Body: []byte(`{"a":1}`)}, 0)
	must(err)
	_, err = s.Meta.CreateXRayGroup(ctx, store.XRayGroup{Project: "shop", Name: "slow", ID: "g1", FilterExpression: "responsetime > 1",
		InsightsEnabled: true, Tags: []store.ResourceTag{{Key: "team", Value: "web"}}}, 0)
	must(err)
	observe := func(it *model.Item, o *model.ErrorOccurrence) { errortrack.Observe(it, o) }
	var occs []*model.ErrorOccurrence
	for i := range 7 {
		uuid := fmt.Sprintf("u%d", i)
		if i%2 == 0 {
			uuid = "" // sent without one
		}
		occs = append(occs, &model.ErrorOccurrence{Project: "shop", Fingerprint: "fp-a", UUID: uuid, Level: model.LevelError,
			Timestamp: day.Add(time.Duration(i) * time.Minute), Received: time.Now().UTC(), Title: "boom", Data: []byte(`{"i":` + fmt.Sprint(i) + `}`)})
	}
	_, err = s.Meta.RecordOccurrences(ctx, occs, observe)
	must(err)
	// An item whose occurrences all expired, then resolved.
	old := &model.ErrorOccurrence{Project: "shop", Fingerprint: "fp-old", UUID: "old", Level: model.LevelWarning,
		Timestamp: day.Add(-48 * time.Hour), Received: day.Add(-48 * time.Hour), Title: "old"}
	recs, err := s.Meta.RecordOccurrences(ctx, []*model.ErrorOccurrence{old}, observe)
	must(err)
	_, err = s.Meta.DeleteOccurrencesBefore(ctx, day.Add(-24*time.Hour))
	must(err)
	_, err = s.Meta.UpdateItem(ctx, "shop", recs[0].ItemID, func(it *model.Item) error {
		it.Status = model.StatusResolved
		return nil
	})
	must(err)
}

// snapshot renders what s holds the way a user sees it: every item by
// content, ids left out (occurrences named by uuid and time instead).
func snapshot(t *testing.T, s Stores) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }
	parts, err := s.Telemetry.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		var items []string
		for v, err := range s.Telemetry.DumpSpans(ctx, p.Start, p.End) {
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, fmt.Sprintf("span %v", v))
		}
		for v, err := range s.Telemetry.DumpLogs(ctx, p.Start, p.End) {
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, fmt.Sprintf("log %v", v))
		}
		for v, err := range s.Telemetry.DumpMetricPoints(ctx, p.Start, p.End) {
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, fmt.Sprintf("metric %v", v))
		}
		slices.Sort(items)
		line("partition %s: %s", p.Name, strings.Join(items, "\n  "))
	}
	m := s.Meta
	names, err := m.ProjectNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	line("projects %v", names)
	for _, name := range names {
		tokens, _ := m.Tokens(ctx, name)
		line("tokens %v", tokens)
		deploys, err := m.Deploys(ctx, name, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range deploys {
			d.ID, d.ProjectID = 0, 0 // the store's
			line("deploy %+v", d)
		}
		groups, _ := m.ListLogGroups(ctx, store.LogGroupList{Project: name})
		for _, g := range groups {
			streams, _ := m.ListLogStreams(ctx, store.LogStreamList{Project: name, Group: g.Name})
			line("group %+v streams %+v", g, streams)
		}
		docs, _ := m.AllDocuments(ctx, name)
		for _, d := range docs {
			line("document %s %s %s", d.Kind, d.Name, d.Body)
		}
		xgroups, err := m.XRayGroups(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range xgroups {
			g.UpdatedAt = time.Time{} // the store's, at every write
			line("x-ray group %+v", g)
		}
		page, err := m.Items(ctx, store.ItemQuery{Project: name, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(page.Items, func(a, b model.Item) int { return int(a.Counter - b.Counter) })
		for _, it := range page.Items {
			occs, err := m.Occurrences(ctx, name, it.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			name := func(id int64) string {
				for _, o := range occs {
					if o.ID == id {
						return o.UUID + "@" + o.Timestamp.String()
					}
				}
				return "none"
			}
			first, last, act := name(it.FirstOccurrenceID), name(it.LastOccurrenceID), name(it.ActivatingOccurrenceID)
			it.ID, it.ProjectID, it.FirstOccurrenceID, it.LastOccurrenceID, it.ActivatingOccurrenceID = 0, 0, 0, 0, 0
			line("item %+v first %s last %s activating %s", it, first, last, act)
			for _, o := range occs {
				o.ID, o.ItemID = 0, 0
				line("  occurrence %v", o)
			}
		}
	}
	return out.String()
}

func TestCopy(t *testing.T) {
	ctx := context.Background()
	src := telemetry()
	tests := []struct {
		name    string
		prepare func(t *testing.T, to Stores) // what the target holds before
		copied  int64                         // spans the first copy writes
	}{
		{name: "fresh target", copied: 8},
		{name: "target has some of it", copied: 5, prepare: func(t *testing.T, to Stores) {
			// One of the twin spans and two of the five at one instant.
			b := &model.Batch{Spans: []model.Span{src.Spans[5], src.Spans[0], src.Spans[3]}}
			if err := to.Telemetry.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, to := open(t), open(t)
			fill(t, from)
			if tc.prepare != nil {
				tc.prepare(t, to)
			}
			cfg := DefaultConfig()
			cfg.Batch = 3 // smaller than the five spans at one instant
			var progress bytes.Buffer
			cfg.Progress = &progress
			r, err := Copy(ctx, cfg, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := snapshot(t, from)
			if got := snapshot(t, to); got != want {
				t.Fatalf("target after the copy:\n%s\nwant:\n%s", got, want)
			}
			if r.Spans.Copied != tc.copied || r.Spans.Copied+r.Spans.Skipped != 8 || r.Logs.Copied != 2 || r.MetricPoints.Copied != 1 ||
				r.Occurrences.Copied != 7 || r.Items.Copied != 2 || r.ItemsWithoutOccurrences != 1 || r.Documents.Copied != 2 || r.Deploys.Copied != 2 {
				t.Errorf("report %+v", r)
			}
			if !strings.Contains(progress.String(), "partition "+day.Format("20060102")+" (1 of 2)") {
				t.Errorf("progress:\n%s", progress.String())
			}
			again, err := Copy(ctx, cfg, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got := snapshot(t, to); got != want {
				t.Fatalf("target after a second copy:\n%s\nwant:\n%s", got, want)
			}
			copied := again.Spans.Copied + again.Logs.Copied + again.MetricPoints.Copied + again.Occurrences.Copied +
				again.Tokens.Copied + again.Deploys.Copied + again.LogGroups.Copied + again.LogStreams.Copied + again.Documents.Copied + again.Projects.Copied
			if copied != 0 || again.Spans.Skipped != 8 || again.Occurrences.Skipped != 7 || again.Deploys.Skipped != 2 {
				t.Errorf("a second copy copied again: %+v", again)
			}
		})
	}
}
