package errortrack

import (
	"fmt"
	"time"
)

// ReportBuckets are the bucket widths the occurrence and activation
// reports take (Rollbar's bucket_size: a minute, an hour, a day) and how
// many of each a report shows: the last hour by minute, the last day by
// hour, the last month by day.
var ReportBuckets = map[time.Duration]int{time.Minute: 60, time.Hour: 24, 24 * time.Hour: 30}

// ReportWindow returns the first bucket's start and the number of buckets
// of a report with buckets of width bucket read at now. Buckets are
// aligned on multiples of their width since the Unix epoch (UTC) and the
// last one holds now.
func ReportWindow(bucket time.Duration, now time.Time) (time.Time, int, error) {
	n, ok := ReportBuckets[bucket]
	if !ok {
		return time.Time{}, 0, fmt.Errorf("bucket_size: want 60, 3600 or 86400 seconds, got %d", int64(bucket/time.Second))
	}
	last := now.UTC().Truncate(bucket)
	return last.Add(-time.Duration(n-1) * bucket), n, nil
}

// MaxTopHours bounds the window of the top active items report.
const MaxTopHours = 24 * 30

// TopWindow returns the start of the top active items report over the
// last hours hours read at now, in hour buckets aligned as ReportWindow's;
// the last one holds now.
func TopWindow(hours int, now time.Time) (time.Time, error) {
	if hours < 1 || hours > MaxTopHours {
		return time.Time{}, fmt.Errorf("hours: want 1 to %d, got %d", MaxTopHours, hours)
	}
	return now.UTC().Truncate(time.Hour).Add(-time.Duration(hours-1) * time.Hour), nil
}
