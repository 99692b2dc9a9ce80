package insights

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// fixture is a small set of events whose answers below are worked out by
// hand.
var fixture = []Event{
	{Stream: "a", TimeMillis: ms("12:00:01"), Message: `{"level":"INFO","latency":10,"path":"/a"}`},
	{Stream: "a", TimeMillis: ms("12:01:00"), Message: `{"level":"ERROR","latency":200,"path":"/b","user":{"id":"u1"}}`},
	{Stream: "b", TimeMillis: ms("12:04:59"), Message: `{"level":"INFO","latency":30,"path":"/a"}`},
	{Stream: "b", TimeMillis: ms("12:05:00"), Message: `GET /a 200 latency=40 user=bob`},
	{Stream: "a", TimeMillis: ms("12:07:30"), Message: `{"level":"WARN","latency":50.5,"path":"/c"}`},
	{Stream: "b", TimeMillis: ms("12:09:59"), Message: `{"level":"ERROR","latency":600,"path":"/a","user":{"id":"u2"}}`},
	{Stream: "a", TimeMillis: ms("12:10:00"), Message: `GET /b 500 latency=70 user=alice`},
	{Stream: "a", TimeMillis: ms("12:14:00"), Message: `{"level":"INFO","latency":80,"path":"/b","tags":["x","y"]}`},
}

func ms(hms string) int64 {
	t, err := time.Parse("2006-01-02 15:04:05", "2024-05-01 "+hms)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

var evalCases = []struct {
	query string
	want  []string // rows as "field=value" joined by ", ", @ptr left out
}{
	{`stats count(*) by bin(5m)`, []string{
		"bin(5m)=2024-05-01 12:00:00.000, count(*)=3",
		"bin(5m)=2024-05-01 12:05:00.000, count(*)=3",
		"bin(5m)=2024-05-01 12:10:00.000, count(*)=2"}},
	{`filter ispresent(level) | stats avg(latency), min(latency), max(latency), sum(latency), pct(latency, 50) by level`, []string{
		"level=ERROR, avg(latency)=400, min(latency)=200, max(latency)=600, sum(latency)=800, pct(latency, 50)=200",
		"level=INFO, avg(latency)=40, min(latency)=10, max(latency)=80, sum(latency)=120, pct(latency, 50)=30",
		"level=WARN, avg(latency)=50.5, min(latency)=50.5, max(latency)=50.5, sum(latency)=50.5, pct(latency, 50)=50.5"}},
	{`stats pc99(latency) as p99, p50(latency) as p50, count(latency) as n, count(*) as all`, []string{"p99=600, p50=50.5, n=6, all=8"}},
	{`stats avg(latency) as a by level | sort a desc | limit 2`, []string{"level=ERROR, a=400", "level=WARN, a=50.5"}},
	{`fields @timestamp, level | filter level = "ERROR" | sort @timestamp desc`, []string{
		"@timestamp=2024-05-01 12:09:59.000, level=ERROR", "@timestamp=2024-05-01 12:01:00.000, level=ERROR"}},
	{`parse @message "GET * * latency=* user=*" as path, status, lat, user | filter ispresent(user) | fields user, lat * 2 as dbl | sort user`,
		[]string{"user=alice, dbl=140", "user=bob, dbl=80"}},
	{`parse @message /latency=(?<lat>\d+)/ | stats sum(lat) as s, count(lat) as n`, []string{"s=110, n=2"}},
	{`filter @message like /"path":"\/a"/ | stats count(*) as n`, []string{"n=3"}},
	{`filter @message =~ /user=b/ or @message like "alice" | stats count(*) as n`, []string{"n=2"}},
	{`filter latency >= 50 and latency < 600 | stats count(*) as n`, []string{"n=3"}},
	{`filter user.id = "u2" | fields path`, []string{"path=/a"}},
	{`filter tags.1 = "y" | fields tags.0`, []string{"tags.0=x"}},
	{`filter @logStream = "b" | stats count(*) as n`, []string{"n=3"}},
	{`fields @log, @logStream | limit 1`, []string{"@log=123456789012:/app, @logStream=a"}},
	{`filter level in ["WARN", "ERROR"] | stats count(*) as n`, []string{"n=3"}},
	{`filter level != "INFO" | stats count(*) as n`, []string{"n=3"}},
	{`filter not (level = "INFO") | stats count(*) as n`, []string{"n=5"}},
	{`filter level not like "I" and ispresent(level) | stats count(*) as n`, []string{"n=3"}},
	{`stats count(*) as n by @logStream | sort n desc | limit 1`, []string{"@logStream=a, n=5"}},
	{`fields path | limit 3`, []string{"path=/a", "path=/b", "path=/a"}},
	{`filter path = "/c"`, []string{
		`@timestamp=2024-05-01 12:07:30.000, @message={"level":"WARN","latency":50.5,"path":"/c"}, @logStream=a, @log=123456789012:/app, latency=50.5, level=WARN, path=/c`}},
	{`filter latency > 100 | fields latency / 4 as q, tolower(level) as l, concat(path, "!") as p, strlen(path) as n`, []string{
		"q=50, l=error, p=/b!, n=2", "q=150, l=error, p=/a!, n=2"}},
	{`stats count_distinct(path) as d, earliest(path) as e, latest(path) as l`, []string{"d=3, e=/a, l=/b"}},
	{`stats count(*) as n by datefloor(@timestamp, 10m) as t | display t, n`, []string{
		"t=2024-05-01 12:00:00.000, n=6", "t=2024-05-01 12:10:00.000, n=2"}},
	{`filter level = "NONE" | stats count(*) as n`, []string{"n=0"}},
	{`filter level = "NONE" | stats count(*) as n by level`, nil},
}

func rowsText(rows [][]Field) []string {
	var out []string
	for _, r := range rows {
		var parts []string
		for _, f := range r {
			if f.Name != "@ptr" {
				parts = append(parts, f.Name+"="+f.Value)
			}
		}
		out = append(out, strings.Join(parts, ", "))
	}
	return out
}

func run(t *testing.T, query string, events []Event) ([][]Field, Statistics) {
	t.Helper()
	q, err := Parse(query)
	if err != nil {
		t.Fatalf("Parse(%q): %v", query, err)
	}
	r := q.NewRun(Options{Account: "123456789012"})
	for i := range events {
		e := events[i]
		e.Group, e.Ptr = "/app", fmt.Sprint("ptr", i)
		r.Add(&e)
	}
	return r.Results(), r.Statistics()
}

func TestEval(t *testing.T) {
	for _, c := range evalCases {
		rows, _ := run(t, c.query, fixture)
		if got := rowsText(rows); !slices.Equal(got, c.want) {
			t.Errorf("%s\n got  %q\n want %q", c.query, got, c.want)
		}
	}
}

func TestStatisticsAndPtr(t *testing.T) {
	rows, st := run(t, `filter level = "ERROR" | fields path`, fixture)
	bytes := 0
	for _, e := range fixture {
		bytes += len(e.Message)
	}
	if st.RecordsScanned != 8 || st.RecordsMatched != 2 || st.BytesScanned != float64(bytes) {
		t.Errorf("statistics = %+v", st)
	}
	if len(rows) != 2 || rows[0][1] != (Field{"@ptr", "ptr1"}) {
		t.Errorf("rows = %v", rows)
	}
}

// TestEvalGenerated checks count, avg and percentiles by bin over many
// random events against answers computed directly from the values.
func TestEvalGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var events []Event
	byMinute := map[int64][]float64{}
	for i := range 5000 {
		at := t0.Add(time.Duration(i) * 73 * time.Millisecond * 10)
		lat := float64(rng.IntN(100000)) / 100
		events = append(events, Event{Stream: "s", TimeMillis: at.UnixMilli(),
			Message: fmt.Sprintf(`{"latency":%v,"i":%d}`, lat, i)})
		m := at.Truncate(time.Minute).UnixMilli()
		byMinute[m] = append(byMinute[m], lat)
	}
	rows, _ := run(t, `stats count(*) as n, avg(latency) as a, pct(latency, 99) as p99, pct(latency, 50) as p50 by bin(1m)`, events)
	if len(rows) != len(byMinute) {
		t.Fatalf("%d rows, want %d", len(rows), len(byMinute))
	}
	for _, r := range rows {
		bin, _ := time.Parse(TimeLayout, r[0].Value)
		vals := byMinute[bin.UnixMilli()]
		slices.Sort(vals)
		sum := 0.0
		for _, v := range vals {
			sum += v
		}
		nearest := func(p float64) float64 { // smallest v with ≥ p% of values ≤ v
			for _, v := range vals {
				below := 0
				for _, w := range vals {
					if w <= v {
						below++
					}
				}
				if float64(below) >= p/100*float64(len(vals)) {
					return v
				}
			}
			return math.NaN()
		}
		want := []string{fmt.Sprint(len(vals)), formatNum(sum / float64(len(vals))), formatNum(nearest(99)), formatNum(nearest(50))}
		if a, _ := strconv.ParseFloat(r[2].Value, 64); math.Abs(a-sum/float64(len(vals))) < 1e-9 {
			want[1] = r[2].Value // the order of summation differs in the last bits
		}
		for i, w := range want {
			if r[i+1].Value != w {
				t.Errorf("bin %s %s = %s, want %s", r[0].Value, r[i+1].Name, r[i+1].Value, w)
			}
		}
	}
}

func TestSortLimitKeepsTop(t *testing.T) {
	var events []Event
	for i := range 30000 {
		events = append(events, Event{TimeMillis: int64(i), Message: fmt.Sprintf(`{"v":%d}`, (i*7919)%30000)})
	}
	rows, _ := run(t, `fields v | sort v desc | limit 3`, events)
	if got := rowsText(rows); !slices.Equal(got, []string{"v=29999", "v=29998", "v=29997"}) {
		t.Errorf("rows = %v", got)
	}
}

// BenchmarkStatsByBin measures evaluation alone: JSON discovery, a filter
// and stats by bin over 100,000 events.
func BenchmarkStatsByBin(b *testing.B) {
	q, _ := Parse(`filter level = "ERROR" or latency > 500 | stats count(*), avg(latency), pct(latency, 99) by bin(5m)`)
	events := make([]Event, 100_000)
	for i := range events {
		events[i] = Event{TimeMillis: int64(i) * 100, Message: fmt.Sprintf(`{"level":"INFO","latency":%d,"path":"/api/%d"}`, i%1000, i%7)}
	}
	b.ResetTimer()
	for b.Loop() {
		r := q.NewRun(Options{})
		for i := range events {
			r.Add(&events[i])
		}
		r.Results()
	}
}
