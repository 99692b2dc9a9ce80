package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

var patterns = []struct{ name, pattern string }{
	{"rare term", `PANIC`},
	{"common term", `GET`},
	{"JSON pattern", `{ $.status = 503 }`},
	{"JSON, no match", `{ $.err = "PANIC" }`},
	{"space-delimited", `[ip, id, user, ts, request, status = 5*, bytes > 1000]`},
}

// runFilters times the first FilterLogEvents page (the SDK's default limit,
// 10,000 events) of each pattern over the whole group and over its last
// hour, as a client that calls once and looks at the answer would see it.
func runFilters(ctx context.Context, client *cwl.Client, repeats int) error {
	groups, err := client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
	if err != nil {
		return err
	}
	var first, last int64
	for _, s := range groups.LogStreams {
		if first == 0 || aws.ToInt64(s.FirstEventTimestamp) < first {
			first = aws.ToInt64(s.FirstEventTimestamp)
		}
		last = max(last, aws.ToInt64(s.LastEventTimestamp))
	}
	fmt.Printf("group %q: %d streams, events from %s to %s\n", group, len(groups.LogStreams),
		time.UnixMilli(first).UTC().Format(time.RFC3339), time.UnixMilli(last).UTC().Format(time.RFC3339))
	fmt.Println("| pattern | range | events in page | nextToken | p50 | p99 |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, p := range patterns {
		for _, ranged := range []bool{false, true} {
			in := &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(p.pattern)}
			what := "all"
			if ranged {
				in.StartTime, in.EndTime = aws.Int64(last-3_600_000), aws.Int64(last+1)
				what = "last 1 h"
			}
			var lat []time.Duration
			var n int
			var more bool
			for r := range repeats + 1 {
				t := time.Now()
				out, err := client.FilterLogEvents(ctx, in)
				if err != nil {
					return fmt.Errorf("%s: %w", p.name, err)
				}
				if r > 0 {
					lat = append(lat, time.Since(t))
				}
				n, more = len(out.Events), out.NextToken != nil
			}
			slices.Sort(lat)
			fmt.Printf("| %s `%s` | %s | %d | %v | %s | %s |\n", p.name, p.pattern, what, n, more,
				pct(lat, 50).Round(time.Millisecond), pct(lat, 99).Round(time.Millisecond))
		}
	}
	return nil
}
