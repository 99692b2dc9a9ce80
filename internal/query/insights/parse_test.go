package insights

import (
	"errors"
	"testing"
)

// The queries of the CloudWatch Logs Insights documentation (query syntax
// pages and sample queries) that the subset covers, and malformed ones with
// the byte range the error names.
var parseCases = []struct {
	query      string
	start, end int // error range; both 0: the query compiles
}{
	{query: `fields @timestamp, @message | sort @timestamp desc | limit 20`},
	{query: `fields @timestamp, @message, @logStream, @log | sort @timestamp desc | limit 25`},
	{query: `filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc`},
	{query: `fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 20`},
	{query: `stats count(*) by bin(5m)`},
	{query: `stats avg(latency), pct(latency, 99), min(latency), max(latency), sum(bytes) by level, bin(30s)`},
	{query: `stats pc99(latency) as p, p90(latency) by path`},
	{query: `filter status >= 500 and not (path like "/health") or level in ["ERROR", "FATAL"]`},
	{query: `filter @message =~ /user=(\w+)/ and duration > 1.5e3`},
	{query: `filter level not in ["DEBUG"] and msg not like "noise"`},
	{query: `parse @message "user=* ip=*" as user, ip | stats count(*) by user`},
	{query: `parse @message /user=(?<user>\S+) ip=(?<ip>\S+)/ | display user, ip`},
	{query: `fields concat(method, " ", path) as route, strlen(@message) as len, latency * 2 as double | filter ispresent(route)`},
	{query: `fields @timestamp # a comment | not a command
| limit 5`},
	{query: "fields `user id`, tolower(level) as lvl | filter isblank(err) | sort lvl asc, `user id` desc"},
	{query: `stats count(*) as n by datefloor(@timestamp, 1h) as hour | filter n > 1 | sort n desc | limit 3`},
	{query: `stats count_distinct(user), stddev(latency), earliest(@message), latest(@message)`},
	{query: `filter @message like 'single quoted' | fields abs(-3) + 4 / 2 - 1 % 3 as x`},

	{query: ``, start: 0, end: 1},
	{query: `fields @message | filter latency >`, start: 34, end: 35},
	{query: `sortt @timestamp`, start: 0, end: 5},
	{query: `filter x = "open`, start: 11, end: 16},
	{query: `filter @message like /([/`, start: 21, end: 25},
	{query: `stats count(*) | stats count(*)`, start: 17, end: 22},
	{query: `stats foo(x)`, start: 6, end: 9},
	{query: `limit 0`, start: 6, end: 7},
	{query: `limit 100001`, start: 6, end: 12},
	{query: `parse @message "a=* b=*" as a`, start: 15, end: 29},
	{query: `parse @message /a=(\d+)/`, start: 15, end: 24},
	{query: `fields avg(x)`, start: 7, end: 10},
	{query: `fields @message extra`, start: 16, end: 21},
	{query: `filter nosuch(x)`, start: 7, end: 13},
	{query: `stats pct(x, 101)`, start: 6, end: 17},
	{query: `sort @timestamp | stats count(*)`, start: 18, end: 23},
	{query: `fields a ; b`, start: 9, end: 10},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		_, err := Parse(c.query)
		if c.start == 0 && c.end == 0 {
			if err != nil {
				t.Errorf("Parse(%q): %v", c.query, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", c.query, err)
			continue
		}
		if se.Start != c.start || se.End != c.end {
			t.Errorf("Parse(%q): error %q at %d-%d, want %d-%d", c.query, se.Msg, se.Start, se.End, c.start, c.end)
		}
	}
}

func TestPercentileAlias(t *testing.T) {
	for name, want := range map[string]float64{"pc99": 99, "p50": 50, "p99.9": 99.9, "pc0": 0} {
		if got, ok := percentileAlias(name); !ok || got != want {
			t.Errorf("percentileAlias(%q) = %v, %v", name, got, ok)
		}
	}
	for _, name := range []string{"p", "pc", "pct", "p101", "px1", "path"} {
		if _, ok := percentileAlias(name); ok {
			t.Errorf("percentileAlias(%q) accepted", name)
		}
	}
}
