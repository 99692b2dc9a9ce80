package xraysampling

import (
	"slices"
	"testing"
	"time"
)

func TestCompareSent(t *testing.T) {
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	rep := func(atS float64, sampled int64) ClientReport {
		return ClientReport{At: at(atS), Timestamp: at(atS), Counts: Counts{Requests: sampled * 2, Sampled: sampled}}
	}
	seg := func(rule, source, service string, second int, n int64) SegmentCount {
		return SegmentCount{Rule: rule, Source: source, Service: service, Second: at(float64(second)), Count: n}
	}
	const a, b = "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"
	type row struct {
		clients          []string
		services         []string
		sampled, arrived int64
	}
	cases := []struct {
		name    string
		from    float64 // window start, seconds after t0; the end is 100 s
		addrs   map[string]string
		reports map[string]map[string][]ClientReport
		segs    []SegmentCount
		want    []row
	}{
		{"one client, three segments never sent", -30,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 5), rep(20, 7)}}},
			[]SegmentCount{seg("Cruddur", "127.0.0.1:5000", "backend-flask", 2, 3), seg("Cruddur", "127.0.0.1:5000", "backend-flask", 15, 6),
				seg("Cruddur", "127.0.0.1:5000", "backend-flask", 30, 4), // after the last report: the next one's
				seg("Default", "127.0.0.1:5000", "backend-flask", 15, 9)},
			[]row{{[]string{a}, []string{"backend-flask"}, 12, 9}}},
		{"reports before the window anchor the first one counted", 15,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 5), rep(20, 7)}}},
			[]SegmentCount{seg("Cruddur", "s", "backend-flask", 5, 5), seg("Cruddur", "s", "backend-flask", 12, 7)},
			[]row{{[]string{a}, []string{"backend-flask"}, 7, 7}}},
		{"a stamp cut to whole seconds still covers its requests", -30,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {
				{At: at(10.9), Timestamp: at(10), Counts: Counts{Sampled: 2}}}}},
			[]SegmentCount{seg("Cruddur", "s", "backend-flask", 10, 2)},
			[]row{{[]string{a}, []string{"backend-flask"}, 2, 2}}},
		{"a borrowed request is sampled too", -30,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {{At: at(10), Counts: Counts{Requests: 9, Sampled: 2, Borrowed: 1}}}}},
			[]SegmentCount{seg("Cruddur", "s", "backend-flask", 9, 3)},
			[]row{{[]string{a}, []string{"backend-flask"}, 3, 3}}},
		{"nothing arrived", -30,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 4)}}}, nil,
			[]row{{[]string{a}, []string{}, 4, 0}}},
		{"two clients on two hosts, each with its process", -30,
			map[string]string{a: "10.0.0.1", b: "10.0.0.2"},
			map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 3), rep(20, 3)}, b: {rep(11, 2), rep(21, 2)}}},
			[]SegmentCount{seg("Cruddur", "10.0.0.1:4000", "backend-flask", 12, 3), seg("Cruddur", "10.0.0.2:4000", "backend-flask", 12, 2)},
			[]row{{[]string{a}, []string{"backend-flask"}, 6, 3}, {[]string{b}, []string{"backend-flask"}, 4, 2}}},
		{"two clients on one host: the rule as a whole", -30,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 3), rep(20, 3)}, b: {rep(11, 2), rep(21, 2)}}},
			[]SegmentCount{seg("Cruddur", "127.0.0.1:4000", "api", 12, 3), seg("Cruddur", "127.0.0.1:4001", "backend-flask", 12, 2)},
			[]row{{[]string{a, b}, []string{"api", "backend-flask"}, 10, 5}}},
		{"a client that has not reported in the window", 50,
			nil, map[string]map[string][]ClientReport{"Cruddur": {a: {rep(10, 3)}}}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CompareSent(SentConfig{From: at(c.from), To: at(100), FirstCover: 20 * time.Second, Addrs: c.addrs}, c.reports, c.segs)
			if len(got) != len(c.want) {
				t.Fatalf("checks %+v, want %+v", got, c.want)
			}
			for i, w := range c.want {
				g := got[i]
				if !slices.Equal(g.Clients, w.clients) || !slices.Equal(g.Services, w.services) || g.Sampled != w.sampled ||
					g.Arrived != w.arrived || g.Missing != max(w.sampled-w.arrived, 0) {
					t.Errorf("check %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
