package xrayapi

import (
	"net/http"

	"lookout/internal/receiver/restjson"
	"lookout/internal/xraygroups"
	"lookout/internal/xrayread"
)

type errorStats struct{ ThrottleCount, OtherCount, TotalCount int64 }
type faultStats struct{ OtherCount, TotalCount int64 }

type statistics struct {
	OkCount           int64
	ErrorStatistics   errorStats
	FaultStatistics   faultStats
	TotalCount        int64
	TotalResponseTime float64
}

type histEntry struct {
	Value float64
	Count int
}

type edgeOut struct {
	ReferenceId           int
	StartTime, EndTime    *restjson.Epoch
	SummaryStatistics     statistics
	ResponseTimeHistogram []histEntry
	Aliases               []any
}

type serviceOut struct {
	ReferenceId           int
	Name                  string
	Names                 []string
	Root                  bool
	Type                  string `json:",omitempty"`
	State                 string
	StartTime, EndTime    *restjson.Epoch
	Edges                 []edgeOut
	SummaryStatistics     statistics
	DurationHistogram     []histEntry
	ResponseTimeHistogram []histEntry
}

type traceGraphResponse struct {
	Services []serviceOut
}

func (a *ReadAPI) traceGraph(w http.ResponseWriter, r *http.Request) {
	_, ids, ok := traceIDs(w, r)
	if !ok {
		return
	}
	nodes, err := a.read.TraceGraph(r.Context(), a.project(r), ids)
	if err != nil {
		a.readError(w, r, "GetTraceGraph", err)
		return
	}
	restjson.Write(w, traceGraphResponse{Services: servicesOut(nodes)})
}

type serviceGraphRequest struct {
	StartTime, EndTime *float64
	GroupName          *string
	GroupARN           *string
	NextToken          *string
}

type serviceGraphResponse struct {
	StartTime, EndTime       *restjson.Epoch
	Services                 []serviceOut
	ContainsOldGroupVersions bool
}

func (a *ReadAPI) serviceGraph(w http.ResponseWriter, r *http.Request) {
	var in serviceGraphRequest
	if !restjson.Decode(w, r, &in) {
		return
	}
	start, end, ok := a.window(w, in.StartTime, in.EndTime)
	if !ok {
		return
	}
	q := xrayread.GraphQuery{Start: start, End: end}
	if in.GroupName != nil || in.GroupARN != nil {
		q.Group = &xraygroups.Ref{Name: in.GroupName, ARN: in.GroupARN}
	}
	nodes, err := a.read.ServiceGraph(r.Context(), a.project(r), q)
	if err != nil {
		a.readError(w, r, "GetServiceGraph", err)
		return
	}
	restjson.Write(w, serviceGraphResponse{StartTime: restjson.EpochOf(start.UnixNano()), EndTime: restjson.EpochOf(end.UnixNano()), Services: servicesOut(nodes)})
}

// servicesOut renders a graph's nodes as X-Ray Services.
func servicesOut(nodes []xrayread.Node) []serviceOut {
	out := make([]serviceOut, 0, len(nodes))
	for _, n := range nodes {
		s := serviceOut{ReferenceId: n.Ref, Name: n.Name, Names: []string{n.Name}, Root: n.Root, Type: n.Type,
			State: "active", StartTime: restjson.EpochAt(n.Start), EndTime: restjson.EpochAt(n.End), Edges: []edgeOut{},
			SummaryStatistics: statsOut(n.Stats), ResponseTimeHistogram: histogramOut(n.Histogram)}
		if n.Inferred {
			s.State = "unknown"
		}
		s.DurationHistogram = s.ResponseTimeHistogram
		for _, e := range n.Edges {
			s.Edges = append(s.Edges, edgeOut{ReferenceId: e.To, StartTime: restjson.EpochOf(e.Start.UnixNano()),
				EndTime: restjson.EpochOf(e.End.UnixNano()), SummaryStatistics: statsOut(e.Stats),
				ResponseTimeHistogram: histogramOut(e.Histogram), Aliases: []any{}})
		}
		out = append(out, s)
	}
	return out
}

func statsOut(s xrayread.Stats) statistics {
	return statistics{OkCount: s.OK, TotalCount: s.Total, TotalResponseTime: s.TotalResponseTime,
		ErrorStatistics: errorStats{ThrottleCount: s.Throttles, OtherCount: s.Errors, TotalCount: s.Throttles + s.Errors},
		FaultStatistics: faultStats{OtherCount: s.Faults, TotalCount: s.Faults}}
}

func histogramOut(buckets []xrayread.Bucket) []histEntry {
	out := make([]histEntry, len(buckets))
	for i, b := range buckets {
		out[i] = histEntry{Value: b.Value, Count: b.Count}
	}
	return out
}
