package api

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"lookout/internal/query"
	"lookout/internal/query/traceql"
)

// Tempo's tag APIs list the attribute keys seen in a window (from the
// store's Columns: the keys of the most recent spans) and the values of one
// tag (a breakdown Query over the window's spans that have it).

// maxNarrowing caps the alternatives of q that narrow tag values: a query
// with more lists the values of every span.
const maxNarrowing = 8

// tagScopes is the attribute keys of a window by TraceQL scope.
type tagScopes struct {
	span, resource, event []string
}

// tagsOf lists the attribute keys seen in the request's window. A key that
// is both a span and a resource attribute is listed as a span attribute
// only (Columns lists it once).
func (a *API) tagsOf(r *http.Request) (tagScopes, error) {
	var ts tagScopes
	if a.cfg.Query == nil {
		return ts, notImplemented("tags")
	}
	start, end, err := a.window(r.URL.Query(), false)
	if err != nil {
		return ts, err
	}
	cols, err := a.cfg.Query.Columns(r.Context(), a.project(r), query.DatasetAll, query.SourceSpans, start, end)
	if err != nil {
		return ts, storeError(err)
	}
	for _, c := range cols {
		switch {
		case c.Name == query.ColService:
			ts.resource = append(ts.resource, c.Name)
		case c.Source == "attribute":
			ts.span = append(ts.span, c.Name)
		case c.Source == "resource":
			ts.resource = append(ts.resource, c.Name)
		case c.Source == "event" && c.Name != query.EventPrefix+"name":
			ts.event = append(ts.event, strings.TrimPrefix(c.Name, query.EventPrefix))
		}
	}
	for _, l := range []*[]string{&ts.span, &ts.resource, &ts.event} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return ts, nil
}

// searchTags answers Tempo's GET /api/search/tags?start=&end=: the span and
// resource attribute keys seen in the window, plus name and status (which
// the tags search parameter reads), sorted.
func (a *API) searchTags(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.tagsOf(r)
	if err != nil {
		return err
	}
	names := append(append([]string{"name", "status"}, ts.span...), ts.resource...)
	slices.Sort(names)
	return writeJSON(w, http.StatusOK, map[string][]string{"tagNames": slices.Compact(names)})
}

type scopeJSON struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// searchTagsV2 answers Tempo's GET /api/v2/search/tags?scope=&start=&end=:
// {"scopes":[{"name":"resource","tags":[...]}, ...]} for scope resource,
// span, event, intrinsic, or all of them (absent or "all"; event only when
// some span has events). q is not read.
func (a *API) searchTagsV2(w http.ResponseWriter, r *http.Request) error {
	scope := r.URL.Query().Get("scope")
	switch scope {
	case "", "all", "resource", "span", "event", "intrinsic":
	default:
		return badRequest("scope", fmt.Errorf("%q: want resource, span, event, intrinsic or all", scope))
	}
	want := func(s string) bool { return scope == "" || scope == "all" || scope == s }
	var out []scopeJSON
	if scope != "intrinsic" {
		ts, err := a.tagsOf(r)
		if err != nil {
			return err
		}
		for _, s := range []scopeJSON{{"resource", ts.resource}, {"span", ts.span}, {"event", ts.event}} {
			if want(s.Name) && (s.Name != "event" || scope == "event" || len(s.Tags) > 0) {
				if s.Tags == nil {
					s.Tags = []string{}
				}
				out = append(out, s)
			}
		}
	}
	if want("intrinsic") {
		out = append(out, scopeJSON{"intrinsic", traceql.Intrinsics})
	}
	return writeJSON(w, http.StatusOK, map[string][]scopeJSON{"scopes": out})
}

// searchTagValues answers Tempo's GET /api/search/tag/{tag}/values: the
// values of an unscoped tag as text, sorted: "name" the span names,
// "status" error, ok and unset, any other key the values of that span
// attribute, else resource attribute (service.name: the services). start,
// end and q narrow them as in searchTagValuesV2.
func (a *API) searchTagValues(w http.ResponseWriter, r *http.Request) error {
	tag := r.PathValue("tag")
	field := traceql.Field{Name: tag} // an unscoped attribute
	if tag == "name" || tag == "status" {
		field = traceql.Field{Name: tag, Intrinsic: true}
	}
	vals, err := a.tagValues(r, field)
	if err != nil {
		return err
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v.Value
	}
	return writeJSON(w, http.StatusOK, map[string][]string{"tagValues": out})
}

// typedValue is a tag value of Tempo's v2 API.
type typedValue struct {
	Type  string `json:"type"` // string, int, float, bool, keyword
	Value string `json:"value"`
}

// searchTagValuesV2 answers Tempo's GET /api/v2/search/tag/{tag}/values:
// {"tagValues":[{"type","value"}]}, sorted by value. The tag is a field as
// TraceQL writes it (resource.service.name, span.http.method, .key,
// event.key, name, status, kind, statusMessage, rootName,
// rootServiceName, span:name, ...); status and kind give keywords,
// attributes their values with the type they were sent with, durations
// nothing. start and end bound the spans read (default the last
// DefaultSearchWindow); q, a TraceQL query, narrows the values to spans
// that satisfy its span conditions (a q that does not compile narrows
// nothing, as autocompletion sends incomplete queries).
func (a *API) searchTagValuesV2(w http.ResponseWriter, r *http.Request) error {
	field, err := traceql.ParseField(r.PathValue("tag"))
	if err != nil {
		return badRequest("tag", err)
	}
	vals, err := a.tagValues(r, field)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tagValues": vals, "metrics": map[string]any{}})
}

// tagValues lists the values of a field in the request's window.
func (a *API) tagValues(r *http.Request, f traceql.Field) ([]typedValue, error) {
	tv, err := traceql.TagValuesOf(f)
	if err != nil {
		return nil, badRequest("tag", err)
	}
	switch {
	case tv.None:
		return []typedValue{}, nil
	case tv.Status:
		return []typedValue{{"keyword", "error"}, {"keyword", "ok"}, {"keyword", "unset"}}, nil
	case a.cfg.Query == nil:
		return nil, notImplemented("tag values")
	}
	q := r.URL.Query()
	start, end, err := a.window(q, false)
	if err != nil {
		return nil, err
	}
	base := []query.Filter{{Column: tv.Column, Op: query.FilterExists}}
	if tv.Root {
		base = append(base, query.Filter{Column: query.ColParentID, Op: query.FilterDoesNotExist})
	}
	alts := [][]query.Filter{nil}
	if s := q.Get("q"); s != "" && !tv.Root && len(s) <= maxQueryBytes {
		if c, err := traceql.CompileString(s); err == nil {
			if narrow, all := c.SpanConditions(); !all && len(narrow) <= maxNarrowing {
				alts = narrow
			}
		}
	}
	seen := map[typedValue]bool{}
	out := []typedValue{}
	for _, alt := range alts {
		qq := query.Query{Start: start, End: end, Granularity: max(end.Sub(start), time.Second), // one bucket
			Filters: append(slices.Clone(base), alt...), Breakdowns: []string{tv.Column}, Limit: query.MaxLimit}
		if err := qq.Normalize(); err != nil {
			return nil, badRequest("q", err)
		}
		res, err := a.cfg.Query.Query(r.Context(), a.project(r), qq)
		if err != nil {
			return nil, storeError(err)
		}
		for _, row := range res.Results {
			v, ok := typed(row.Group[0], tv.Keyword)
			if ok && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, func(x, y typedValue) int {
		return cmp.Or(strings.Compare(x.Value, y.Value), strings.Compare(x.Type, y.Type))
	})
	return out, nil
}

// typed renders a breakdown value with its Tempo type.
func typed(v any, keyword bool) (typedValue, bool) {
	switch x := v.(type) {
	case string:
		if keyword {
			return typedValue{"keyword", x}, true
		}
		return typedValue{"string", x}, true
	case int64:
		return typedValue{"int", strconv.FormatInt(x, 10)}, true
	case float64:
		return typedValue{"float", strconv.FormatFloat(x, 'g', -1, 64)}, true
	case bool:
		return typedValue{"bool", strconv.FormatBool(x)}, true
	}
	return typedValue{}, false
}
