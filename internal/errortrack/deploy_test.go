package errortrack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
)

func TestNewDeploy(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	cases := []struct {
		name string
		in   DeployInput
		want model.Deploy
		err  string
	}{
		{name: "defaults: succeeded now", in: DeployInput{Environment: "production", Revision: "abc"},
			want: model.Deploy{Project: "p", Environment: "production", Revision: "abc", Status: model.DeploySucceeded, StartTime: now, FinishTime: now}},
		{name: "started runs on", in: DeployInput{Environment: "qa", Revision: "r", Status: "started", LocalUsername: "ci", RollbarUsername: "ann", Comment: "c"},
			want: model.Deploy{Project: "p", Environment: "qa", Revision: "r", Status: model.DeployStarted, StartTime: now, LocalUsername: "ci",
				RollbarUsername: "ann", Comment: "c"}},
		{name: "times given", in: DeployInput{Environment: "e", Revision: "r", Status: "FAILED", StartTime: 100, FinishTime: 160},
			want: model.Deploy{Project: "p", Environment: "e", Revision: "r", Status: model.DeployFailed, StartTime: at(100), FinishTime: at(160)}},
		{name: "over without a finish: at its start", in: DeployInput{Environment: "e", Revision: "r", StartTime: 100},
			want: model.Deploy{Project: "p", Environment: "e", Revision: "r", Status: model.DeploySucceeded, StartTime: at(100), FinishTime: at(100)}},
		{name: "no environment", in: DeployInput{Revision: "r"}, err: "environment: required"},
		{name: "no revision", in: DeployInput{Environment: "e"}, err: "revision: required"},
		{name: "long revision", in: DeployInput{Environment: "e", Revision: strings.Repeat("r", 256)}, err: "revision: want at most 255 characters, got 256"},
		{name: "long comment", in: DeployInput{Environment: "e", Revision: "r", Comment: strings.Repeat("c", MaxDeployComment+1)}, err: "comment: want at most"},
		{name: "unknown status", in: DeployInput{Environment: "e", Revision: "r", Status: "done"}, err: `status "done": want one of started, succeeded, failed, timed_out`},
		{name: "finish before start", in: DeployInput{Environment: "e", Revision: "r", StartTime: 100, FinishTime: 99}, err: "finish_time: before start_time"},
		{name: "negative time", in: DeployInput{Environment: "e", Revision: "r", StartTime: -1}, err: "want Unix seconds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := NewDeploy("p", c.in, now)
			if c.err != "" {
				var inv *InvalidDeployError
				if !errors.As(err, &inv) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want an *InvalidDeployError containing %q", err, c.err)
				}
				return
			}
			if err != nil || d != c.want {
				t.Fatalf("got %+v, %v\nwant %+v", d, err, c.want)
			}
		})
	}
}

func TestSetDeployStatus(t *testing.T) {
	start := time.Unix(100, 0).UTC()
	now := time.Unix(500, 0).UTC()
	done := time.Unix(200, 0).UTC()
	cases := []struct {
		name       string
		from       model.Deploy
		status     string
		wantStatus model.DeployStatus
		wantFinish time.Time
		err        string
	}{
		{"started to succeeded: finished now", model.Deploy{Status: model.DeployStarted, StartTime: start}, "succeeded", model.DeploySucceeded, now, ""},
		{"succeeded to failed keeps its finish", model.Deploy{Status: model.DeploySucceeded, StartTime: start, FinishTime: done}, "failed",
			model.DeployFailed, done, ""},
		{"started again: no finish", model.Deploy{Status: model.DeployFailed, StartTime: start, FinishTime: done}, "started", model.DeployStarted, time.Time{}, ""},
		{"timed out", model.Deploy{Status: model.DeployStarted, StartTime: start}, "timed_out", model.DeployTimedOut, now, ""},
		{"unknown", model.Deploy{Status: model.DeployStarted, StartTime: start}, "ok", model.DeployStarted, time.Time{}, `status "ok"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.from
			err := SetDeployStatus(&d, c.status, now)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || d != c.from {
					t.Fatalf("error %v, deploy %+v; want an error containing %q and no change", err, d, c.err)
				}
				return
			}
			if err != nil || d.Status != c.wantStatus || !d.FinishTime.Equal(c.wantFinish) {
				t.Fatalf("got %+v, %v; want status %s, finish %v", d, err, c.wantStatus, c.wantFinish)
			}
		})
	}
}

func TestReportWindow(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		bucket    time.Duration
		wantStart time.Time
		wantN     int
		err       string
	}{
		{time.Minute, time.Date(2026, 1, 2, 2, 5, 0, 0, time.UTC), 60, ""},
		{time.Hour, time.Date(2026, 1, 1, 4, 0, 0, 0, time.UTC), 24, ""},
		{24 * time.Hour, time.Date(2025, 12, 4, 0, 0, 0, 0, time.UTC), 30, ""},
		{2 * time.Hour, time.Time{}, 0, "bucket_size: want 60, 3600 or 86400 seconds, got 7200"},
	}
	for _, c := range cases {
		start, n, err := ReportWindow(c.bucket, now)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%v: error %v, want %q", c.bucket, err, c.err)
			}
			continue
		}
		if err != nil || !start.Equal(c.wantStart) || n != c.wantN {
			t.Errorf("%v: got %v, %d, %v; want %v, %d", c.bucket, start, n, err, c.wantStart, c.wantN)
		}
		if end := start.Add(time.Duration(n) * c.bucket); !now.Before(end) || now.Before(end.Add(-c.bucket)) {
			t.Errorf("%v: now %v is not in the last bucket (ends %v)", c.bucket, now, end)
		}
	}
	if start, err := TopWindow(24, now); err != nil || !start.Equal(time.Date(2026, 1, 1, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("TopWindow(24) = %v, %v", start, err)
	}
	for _, h := range []int{0, MaxTopHours + 1} {
		if _, err := TopWindow(h, now); err == nil {
			t.Errorf("TopWindow(%d): no error", h)
		}
	}
}

func TestObserveFillsPlatformAndFramework(t *testing.T) {
	var it model.Item
	Observe(&it, &model.ErrorOccurrence{ID: 1, Project: "p", Fingerprint: "f", Level: model.LevelError})
	Observe(&it, &model.ErrorOccurrence{ID: 2, Project: "p", Fingerprint: "f", Platform: "linux", Framework: "gin"})
	Observe(&it, &model.ErrorOccurrence{ID: 3, Project: "p", Fingerprint: "f", Platform: "browser", Framework: "express"})
	if it.Platform != "linux" || it.Framework != "gin" {
		t.Fatalf("platform %q, framework %q; want the first ones named: linux, gin", it.Platform, it.Framework)
	}
}
