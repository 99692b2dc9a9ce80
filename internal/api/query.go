package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"lookout/internal/query"
)

// maxSpecBytes caps the body of a query or BubbleUp request.
const maxSpecBytes = 1 << 20

// queryReply is the body of POST /api/query, shaped like Honeycomb's query
// result: "data" maps breakdown columns and calculation names to values.
type queryReply struct {
	Query    querySummary   `json:"query"`
	Results  []resultRow    `json:"results"`
	Series   []seriesRow    `json:"series"`
	Heatmaps []heatmapReply `json:"heatmaps,omitempty"`
}

// querySummary echoes what the query ran on after defaults were applied.
type querySummary struct {
	Dataset      string   `json:"dataset"`
	Source       string   `json:"source"`
	StartTime    int64    `json:"start_time"`
	EndTime      int64    `json:"end_time"`
	Granularity  int64    `json:"granularity"`
	Calculations []string `json:"calculations"`
	Breakdowns   []string `json:"breakdowns"`
}

type resultRow struct {
	Data map[string]any `json:"data"`
}

type seriesRow struct {
	Time string         `json:"time"`
	Data map[string]any `json:"data"`
}

type heatmapReply struct {
	Name        string  `json:"name"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	Buckets     int     `json:"buckets"`
	BucketWidth float64 `json:"bucket_width"`
}

// readSpec reads a request body of at most maxSpecBytes.
func readSpec(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSpecBytes))
	if err != nil {
		return nil, badRequest("body", err)
	}
	return body, nil
}

// specError turns a parse or validation failure into a 400 naming the field.
func specError(err error) error {
	var fe *query.FieldError
	if errors.As(err, &fe) {
		return badRequest(fe.Field, fe.Err)
	}
	return badRequest("body", err)
}

// queryRun answers POST /api/query[?dataset=&source=]: a Honeycomb query
// specification in, totals per group and time series out.
func (a *API) queryRun(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Query == nil {
		return &httpError{status: http.StatusNotImplemented, msg: "no query engine configured"}
	}
	body, err := readSpec(w, r)
	if err != nil {
		return err
	}
	spec, err := query.DecodeSpec(body)
	if err != nil {
		return specError(err)
	}
	// The URL's dataset and source win over the body's; the source is set
	// before the specification is checked, as it decides what is valid.
	if src := r.URL.Query().Get("source"); src != "" {
		spec.Source = src
	}
	q, err := spec.Query(a.cfg.Now())
	if err != nil {
		return specError(err)
	}
	if ds := r.URL.Query().Get("dataset"); ds != "" {
		q.Dataset = ds
	}
	res, err := a.cfg.Query.Query(r.Context(), a.project(r), q)
	var fe *query.FieldError
	if errors.As(err, &fe) { // what only the data tells: an operator that does not fit a metric's type
		return specError(err)
	}
	if err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, queryJSON(q, res))
}

func queryJSON(q query.Query, res query.Result) queryReply {
	rep := queryReply{
		Query: querySummary{Dataset: q.Dataset, Source: string(q.Source), StartTime: q.Start.Unix(), EndTime: q.End.Unix(),
			Granularity: int64(q.Granularity / time.Second), Breakdowns: q.Breakdowns},
		Results: []resultRow{}, Series: []seriesRow{},
	}
	if rep.Query.Breakdowns == nil {
		rep.Query.Breakdowns = []string{}
	}
	for _, c := range q.Calculations {
		rep.Query.Calculations = append(rep.Query.Calculations, c.Name())
	}
	data := func(row query.Row) map[string]any {
		m := make(map[string]any, len(row.Group)+len(row.Values))
		for i, b := range q.Breakdowns {
			m[b] = row.Group[i]
		}
		for i, c := range q.Calculations {
			m[c.Name()] = row.Values[i]
		}
		return m
	}
	for _, row := range res.Results {
		rep.Results = append(rep.Results, resultRow{Data: data(row)})
	}
	for _, row := range res.Series {
		rep.Series = append(rep.Series, seriesRow{Time: row.Time.UTC().Format(time.RFC3339), Data: data(row)})
	}
	for _, h := range res.Heatmaps {
		rep.Heatmaps = append(rep.Heatmaps, heatmapReply{Name: h.Name, Min: h.Min, Max: h.Max, Buckets: h.Buckets, BucketWidth: h.BucketWidth()})
	}
	return rep
}

// columnsList answers GET /api/columns?dataset=&source=&start=&end=: the
// span (or log) fields and the attribute keys seen in the window (default: the default
// search window), with types, counts and estimated cardinality.
func (a *API) columnsList(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Query == nil {
		return &httpError{status: http.StatusNotImplemented, msg: "no query engine configured"}
	}
	start, end, err := a.window(r.URL.Query(), false)
	if err != nil {
		return err
	}
	ds := r.URL.Query().Get("dataset")
	if ds == "" {
		ds = query.DatasetAll
	}
	src := query.Source(r.URL.Query().Get("source"))
	switch src {
	case "":
		src = query.SourceSpans
	case query.SourceSpans, query.SourceLogs, query.SourceMetrics:
	default:
		return badRequest("source", fmt.Errorf("%q: want spans, logs or metrics", src))
	}
	cols, err := a.cfg.Query.Columns(r.Context(), a.project(r), ds, src, start, end)
	if err != nil {
		return storeError(fmt.Errorf("dataset %q: %w", ds, err))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"dataset": ds, "source": src, "columns": cols})
}
