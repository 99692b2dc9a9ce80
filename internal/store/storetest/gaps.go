package storetest

import (
	"encoding/json"
	"strings"
	"testing"
)

// skipQueryGaps skips the running case when q (a query.Query or
// query.TraceQuery) uses a query feature the backend declared it lacks.
// The features are told apart in q's JSON form, so that every runner can
// ask with whatever query it holds.
func (c Capabilities) skipQueryGaps(t *testing.T, q any) {
	t.Helper()
	raw, err := json.Marshal(q)
	if err != nil {
		t.Fatalf("query %+v: %v", q, err)
	}
	text := string(raw)
	switch {
	case c.NoRegexFilters && (strings.Contains(text, `"matches"`) || strings.Contains(text, `"does-not-match"`)):
		t.Skip("backend lacks regular-expression filters (NoRegexFilters)")
	case c.NoScopedColumns && (strings.Contains(text, `"attribute:`) || strings.Contains(text, `"resource:`)):
		t.Skip("backend lacks scoped columns attribute:/resource: (NoScopedColumns)")
	case c.NoTraceAggregates && strings.Contains(text, `"aggregate"`):
		t.Skip("backend lacks trace aggregates (NoTraceAggregates)")
	}
}
