package cwlogs

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"lookout/internal/query/cwpattern"
)

// TestFilterPushdownAgreesWithMatch checks that what DuckDB filters before
// Pattern.Match loses no match: FilterLogEvents must return exactly the
// messages Match accepts, for messages written to trip the SQL translation.
func TestFilterPushdownAgreesWithMatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	msgs := []string{
		`{"status":503,"path":"/login"}`,
		`{"status":"503","path":"/x"}`,
		`{"status":503.0}`,
		`{"status":5.03e2}`,
		`{"status":"0x1F7p0"}`,
		`{"status":"5.03e2"}`,
		`{"status":200,"path":"\/login"}`,
		`{"path":"\u002flogin","status":500}`,
		`{"status":503} trailing text`,
		`  {"status":503}`,
		`{"a":{"b":[{"c":"x"},{"c":"y"}]}}`,
		`{"user id":"bob","it's":"q"}`,
		`{"ok":true,"none":null,"level":"ERROR"}`,
		`{"status":[503]}`,
		`[{"status":503}]`,
		`not json status 503 ERROR`,
		`ERROR Main done`,
		`WARN Deadlock in Main`,
		`ERROR retrying`,
		`{"status":200,"status":503}`,
	}
	if _, err := e.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	in := &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}
	t0 := time.Now().Add(-time.Minute).UnixMilli()
	for i, m := range msgs {
		in.LogEvents = append(in.LogEvents, types.InputLogEvent{Timestamp: aws.Int64(t0 + int64(i)), Message: aws.String(m)})
	}
	if _, err := e.client.PutLogEvents(ctx, in); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		`{ $.status = 503 }`,
		`{ $.status = 500 || $.status = 503 }`,
		`{ $.status = 503 && $.path = "/login" }`,
		`{ $.path = "/login" }`,
		`{ $.a.b[1].c = "y" }`,
		`{ $.it's = "q" }`,
		`{ $.level = ERROR && $.ok IS TRUE }`,
		`{ $.status = 5* }`,
		`{ $.status != 503 }`,
		`ERROR -retrying`,
		`?ERROR Main ?WARN Deadlock`,
		`?ERROR ?%Dead.*%`,
		`"in Main"`,
	} {
		p, err := cwpattern.Parse(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		var want []string
		for _, m := range msgs {
			if p.Match(m) {
				want = append(want, m)
			}
		}
		// Without a time range JSON tests run in Go, with a narrow one in DuckDB.
		for _, start := range []*int64{nil, aws.Int64(t0 - 1000)} {
			out, err := e.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
				FilterPattern: aws.String(src), StartTime: start})
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			var got []string
			for _, ev := range out.Events {
				got = append(got, aws.ToString(ev.Message))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s (start %v):\n got %q\nwant %q", src, start != nil, got, want)
			}
		}
	}
}

func TestNarrow(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	h := int64(time.Hour)
	for _, c := range []struct {
		start, end int64
		want       bool
	}{
		{0, 0, false},
		{now.UnixNano() - 2*h, 0, true},
		{now.UnixNano() - 25*h, 0, false},
		{5 * h, 29 * h, true},
		{5 * h, 30 * h, false},
		{0, 5 * h, false},
	} {
		if got := narrow(c.start, c.end, now); got != c.want {
			t.Errorf("narrow(%d, %d) = %v, want %v", c.start, c.end, got, c.want)
		}
	}
}

// TestFilterWindowed pages a JSON search over days, which DuckDB reads in
// doubling time windows; with no time budget every page ends at a window.
// It sets windowBudget, so it does not run in parallel.
func TestFilterWindowed(t *testing.T) {
	defer func(b time.Duration) { windowBudget = b }(windowBudget)
	var limit int32
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("w")}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"a", "b"} {
		if _, err := e.client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("w"), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	var want []string
	for day := 5; day >= 1; day-- {
		for i, s := range []string{"a", "b"} {
			ts := now.Add(-time.Duration(day)*24*time.Hour + time.Duration(i)*time.Minute).UnixMilli()
			match := fmt.Sprintf(`{"k":1,"day":%d,"s":"%s"}`, day, s)
			want = append(want, match)
			_, err := e.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("w"), LogStreamName: aws.String(s),
				LogEvents: []types.InputLogEvent{
					{Timestamp: aws.Int64(ts), Message: aws.String(match)},
					{Timestamp: aws.Int64(ts + 1), Message: aws.String(`{"k":2}`)},
				}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		limit  int32
		budget time.Duration
	}{{3, time.Minute}, {10, time.Minute}, {10, 0}} {
		windowBudget, limit = c.budget, c.limit
		var got []string
		var token *string
		for page := 0; ; page++ {
			out, err := e.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("w"),
				FilterPattern: aws.String(`{ $.k = 1 }`), Limit: aws.Int32(limit), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range out.Events {
				got = append(got, aws.ToString(ev.Message))
			}
			if token = out.NextToken; token == nil || page > 500 {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d, budget %s:\n got %q\nwant %q", limit, c.budget, got, want)
		}
	}
}
