package xrayapi

import (
	"net/http"
	"time"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/receiver/restjson"
	"lookout/internal/xraygroups"
	"lookout/internal/xrayread"
)

// TimeSeriesPath is GetTimeSeriesServiceStatistics.
const TimeSeriesPath = "/TimeSeriesServiceStatistics"

// maxSelector is EntitySelectorExpression's longest length in the model.
const maxSelector = 500

type timeSeriesRequest struct {
	StartTime, EndTime       *float64
	GroupName, GroupARN      *string
	EntitySelectorExpression *string
	Period                   *int64
	ForecastStatistics       *bool
	NextToken                *string
}

type timeSeriesPoint struct {
	Timestamp                *restjson.Epoch
	EdgeSummaryStatistics    *statistics `json:",omitempty"`
	ServiceSummaryStatistics *statistics `json:",omitempty"`
	ResponseTimeHistogram    []histEntry
}

type timeSeriesResponse struct {
	TimeSeriesServiceStatistics []timeSeriesPoint
	ContainsOldGroupVersions    bool
}

// timeSeries answers GetTimeSeriesServiceStatistics: one point per Period
// (60 s multiples, default 60) with requests, from the traces
// GetServiceGraph reads; no forecasts, one page.
func (a *ReadAPI) timeSeries(w http.ResponseWriter, r *http.Request) {
	var in timeSeriesRequest
	if !restjson.Decode(w, r, &in) {
		return
	}
	start, end, ok := a.window(w, in.StartTime, in.EndTime)
	if !ok {
		return
	}
	q := xrayread.StatsQuery{Start: start, End: end, Period: time.Minute}
	if in.Period != nil {
		if *in.Period <= 0 || *in.Period%60 != 0 {
			restjson.Invalid(w, "Period must be a positive multiple of 60 seconds, not %d", *in.Period)
			return
		}
		q.Period = time.Duration(*in.Period) * time.Second
	}
	if in.ForecastStatistics != nil && *in.ForecastStatistics {
		restjson.Invalid(w, "ForecastStatistics is not supported: Lookout does not forecast fault counts")
		return
	}
	if !checkGroupRef(w, in.GroupName, in.GroupARN) {
		return
	}
	if in.GroupName != nil || in.GroupARN != nil {
		q.Group = &xraygroups.Ref{Name: in.GroupName, ARN: in.GroupARN}
	}
	if sel := in.EntitySelectorExpression; sel != nil {
		if n := len([]rune(*sel)); n < 1 || n > maxSelector {
			restjson.Invalid(w, "EntitySelectorExpression must be 1 to %d characters long, not %d", maxSelector, n)
			return
		}
		e, err := xrayfilter.Parse(*sel)
		if err != nil {
			restjson.Invalid(w, "EntitySelectorExpression: invalid filter expression: %s", err.Error())
			return
		}
		q.Selector = e
	}
	points, err := a.read.TimeSeries(r.Context(), a.project(r), q)
	if err != nil {
		a.readError(w, r, "GetTimeSeriesServiceStatistics", err)
		return
	}
	out := timeSeriesResponse{TimeSeriesServiceStatistics: make([]timeSeriesPoint, 0, len(points))}
	for _, p := range points {
		tp := timeSeriesPoint{Timestamp: restjson.EpochAt(p.Time), ResponseTimeHistogram: histogramOut(p.Histogram)}
		if p.Edge != nil {
			s := statsOut(*p.Edge)
			tp.EdgeSummaryStatistics = &s
		}
		if p.Service != nil {
			s := statsOut(*p.Service)
			tp.ServiceSummaryStatistics = &s
		}
		out.TimeSeriesServiceStatistics = append(out.TimeSeriesServiceStatistics, tp)
	}
	restjson.Write(w, out)
}

// checkGroupRef checks GroupName and GroupARN against the model's lengths
// (1–32, 1–400); on failure it has answered InvalidRequestException.
func checkGroupRef(w http.ResponseWriter, name, arn *string) bool {
	for _, f := range []struct {
		field string
		v     *string
		max   int
	}{{"GroupName", name, 32}, {"GroupARN", arn, 400}} {
		if f.v == nil {
			continue
		}
		if n := len([]rune(*f.v)); n < 1 || n > f.max {
			restjson.Invalid(w, "%s must be 1 to %d characters long, not %d", f.field, f.max, n)
			return false
		}
	}
	return true
}
