package traceql

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCompileMetrics(t *testing.T) {
	cases := []struct {
		in, want string // want: func filters/comb calcs scale by, or "error: ..." / "unsupported: ..."
	}{
		{`{ } | rate()`, `rate []/AND [COUNT] 1 []`},
		{`{ status = error } | rate() by (resource.service.name, name)`,
			`rate [{status_code = [2]}]/AND [COUNT] 1 [resource.service.name=service.name name=name]`},
		{`{ kind = server || kind = consumer } | count_over_time() by (span.http.route)`,
			`count_over_time [{span.kind = [server]} {span.kind = [consumer]}]/OR [COUNT] 1 [span.http.route=attribute:http.route]`},
		{`{ nestedSetParent < 0 && true } | rate() with (sample=true)`, `rate [{trace.parent_id does-not-exist []}]/AND [COUNT] 1 []`},
		{`{ } | quantile_over_time(duration, .5, 0.99, .999, 1, .5)`, `quantile_over_time []/AND [P50(duration_ms) P99(duration_ms) P999(duration_ms) MAX(duration_ms)] 0.001 []`},
		{`{ } | avg_over_time(duration) by (status)`, `avg_over_time []/AND [AVG(duration_ms)] 0.001 [status=status_code]`},
		{`{ } | max_over_time(span.rows)`, `max_over_time []/AND [MAX(attribute:rows)] 1 []`},
		{`{ .a = 1 } | { .b = 2 } | sum_over_time(.rows)`, `sum_over_time [{a = [1]} {b = [2]}]/AND [SUM(rows)] 1 []`},
		{`{ } | min_over_time(duration) | topk(5)`, `unsupported: topk() after a metrics function`},
		{`{ } | rate() | { }`, `error: rate() ends the query`},
		{`{ } | histogram_over_time(duration)`, `unsupported: the metrics function histogram_over_time()`},
		{`{ } | compare({ status = error })`, `unsupported: the metrics function compare()`},
		{`{ } | quantile_over_time(duration, .1234)`, `unsupported: the quantile 0.1234`},
		{`{ } | quantile_over_time(duration, 2)`, `error: quantile 2 is not within 0..1`},
		{`{ } | quantile_over_time(duration)`, `error: at least one quantile`},
		{`{ } | avg_over_time(name)`, `error: avg_over_time() takes a number or a duration of the span, not name`},
		{`{ } | rate() by (event.a)`, `unsupported: by(event.a)`},
		{`{ } | rate() by (rootName)`, `unsupported: by(rootName)`},
		{`{ } | rate() by (link.a)`, `unsupported: the link scope`},
		{`{ rootName = "x" } | rate()`, `unsupported: rate() over a spanset with conditions on the root span or the trace`},
		{`{ } > { } | rate()`, `unsupported: rate() after the spanset operator >`},
		{`{ } | count() > 1 | rate()`, `unsupported: count() before a metrics function`},
		{`{ status = error }`, `error: not a metrics query`},
	}
	for _, c := range cases {
		got, err := CompileMetricsString(c.in)
		switch {
		case wantsError(t, c.in, c.want, err):
			continue
		case err != nil:
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		var calcs, by []string
		for _, c := range got.Calcs {
			calcs = append(calcs, c.Name())
		}
		for _, l := range got.By {
			by = append(by, l.Name+"="+l.Column)
		}
		s := fmt.Sprintf("%s %v/%s [%s] %g [%s]", got.Func, got.Filters, got.Combination, strings.Join(calcs, " "), got.Scale, strings.Join(by, " "))
		if s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, s, c.want)
		}
		q := got.Query(time.Unix(0, 0), time.Unix(60, 0), 10*time.Second)
		if err := q.Normalize(); err != nil {
			t.Errorf("%s: the query is not valid: %v", c.in, err)
		}
	}
}
