package insights

import "testing"

// FuzzParse checks that no query makes Parse panic, that errors name a
// range inside the query, and that a compiled query runs over any event.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.query, `{"level":"ERROR","latency":12}`)
	}
	for _, c := range evalCases {
		f.Add(c.query, "GET /a 200 latency=40 user=bob")
	}
	f.Fuzz(func(t *testing.T, query, msg string) {
		q, err := Parse(query)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Start < 0 || se.End <= se.Start || se.Start > len(query) || se.End > len(query)+1 {
				t.Fatalf("Parse(%q): bad error %#v", query, err)
			}
			return
		}
		r := q.NewRun(Options{Limit: 5, Account: "1"})
		for i := range 3 {
			r.Add(&Event{Group: "g", Stream: "s", TimeMillis: int64(i) * 60_000, Message: msg})
		}
		r.Results()
	})
}
