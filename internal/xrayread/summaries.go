package xrayread

import (
	"context"
	"encoding/binary"
	"sort"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/tracelint"
)

// SummaryQuery asks for one page of trace summaries (GetTraceSummaries).
type SummaryQuery struct {
	// Start and End select the traces with a span starting in [Start, End).
	Start, End time.Time
	// Filter keeps the traces it matches; nil keeps every trace. Its
	// group.name and group.arn comparisons stand for the groups' filters
	// (Config.Groups).
	Filter xrayfilter.Expr
	// Rate keeps a deterministic fraction of the traces, chosen by trace id;
	// 1 (or more) keeps all.
	Rate float64
	// After resumes after this trace: the Next of the previous page.
	After *query.TraceRef
}

// SummaryPage is one page of summaries, newest first.
type SummaryPage struct {
	Summaries []Summary
	// Processed counts the traces examined for this page.
	Processed int64
	// Next is the last trace examined when more may follow (the page was
	// full, or the page examined Config.ScanLimit traces); nil at the end.
	Next *query.TraceRef
}

// Summary is one trace as GetTraceSummaries shows it.
type Summary struct {
	ID    model.TraceID
	Start time.Time // the earliest start of its spans
	// Duration is first start to last end; ResponseTime is the entry
	// segment's duration. Both in seconds.
	Duration, ResponseTime float64
	// Fault, Error and Throttle hold when any of its spans has one.
	Fault, Error, Throttle bool
	// Partial holds when a span is still in progress.
	Partial bool
	// HTTP is the entry segment's request and response; zero without one.
	HTTP xrayfilter.HTTP
	// Services are the services that sent segments, in order of appearance.
	Services []ServiceID
	// Entry is the service the trace entered by; nil when none is known.
	Entry *ServiceID
	// Annotations are by key, each key's values in order of appearance.
	Annotations []Annotation
	// Users are the end users named on its spans, in order of appearance.
	Users []User
}

// ServiceID names a service (a node) of a trace: its name and X-Ray type
// (the segment's origin, such as AWS::EC2::Instance; "" for none).
type ServiceID struct{ Name, Type string }

// Annotation is one value of an annotation key and the services whose
// spans carried it.
type Annotation struct {
	Key      string
	Value    xrayfilter.Value
	Services []string
}

// User is an end user and the services whose spans named them.
type User struct {
	Name     string
	Services []string
}

// Summaries returns one page of the summaries of project's traces that q
// selects, newest first. A page holds at most Config.PageSize summaries and
// examines at most Config.ScanLimit traces.
func (s *Service) Summaries(ctx context.Context, project string, q SummaryQuery) (SummaryPage, error) {
	page := SummaryPage{Summaries: []Summary{}}
	var err error
	if q.Filter, err = s.resolveGroups(ctx, project, q.Filter); err != nil {
		return SummaryPage{}, err
	}
	cands := s.candidates(project, q.Start, q.End, q.Filter)
	batch := s.cfg.ScanBatch
	if !cands.residual && q.Rate >= 1 {
		// Every candidate becomes a summary: read one page (and one more, to
		// know whether another page follows).
		batch = min(batch, s.cfg.PageSize+1)
	}
	from := q.After
	for scanned := 0; ; {
		refs, err := cands.next(ctx, from, batch)
		if err != nil {
			return SummaryPage{}, err
		}
		spans, err := s.src.SpansOfTraces(ctx, project, refIDs(refs), tracelint.BulkTrim)
		if err != nil {
			return SummaryPage{}, err
		}
		for i, ref := range refs {
			scanned++
			page.Processed++
			from = &refs[i]
			if len(spans[i]) == 0 || !sampled(ref.ID, q.Rate) {
				continue
			}
			v := viewOf(ref.ID, spans[i])
			if cands.residual && !xrayfilter.Match(q.Filter, &v.facts) {
				continue
			}
			page.Summaries = append(page.Summaries, v.summary())
			if len(page.Summaries) == s.cfg.PageSize && (i < len(refs)-1 || len(refs) == batch) {
				page.Next = from
				return page, nil
			}
		}
		if len(refs) < batch {
			return page, nil
		}
		if scanned >= s.cfg.ScanLimit {
			page.Next = from
			return page, nil
		}
	}
}

// sampled keeps a deterministic fraction rate of the traces.
func sampled(id model.TraceID, rate float64) bool {
	if rate >= 1 {
		return true
	}
	return float64(binary.BigEndian.Uint32(id[12:]))/float64(1<<32) < rate
}

// summary sums the view up.
func (v *traceView) summary() Summary {
	f := &v.facts
	s := Summary{ID: v.id, Start: time.Unix(0, v.start), Duration: f.Duration, ResponseTime: f.Entry.ResponseTime,
		Fault: f.Fault, Error: f.Error, Throttle: f.Throttle, Partial: f.Partial, HTTP: f.Entry.HTTP,
		Services: []ServiceID{}, Annotations: []Annotation{}, Users: []User{}}
	for _, n := range f.Nodes {
		if !n.Inferred {
			s.Services = append(s.Services, ServiceID{Name: n.Name, Type: n.Type})
		}
	}
	if v.entry >= 0 {
		s.Entry = &ServiceID{Name: f.Nodes[v.entry].Name, Type: f.Nodes[v.entry].Type}
	}
	keys := make([]string, 0, len(f.Annotations))
	for k := range f.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range f.Annotations[k] {
			s.Annotations = append(s.Annotations, Annotation{Key: k, Value: val, Services: v.annServices[k+"\x00"+val.String()]})
		}
	}
	for _, u := range f.Users {
		s.Users = append(s.Users, User{Name: u, Services: v.userNodes[u]})
	}
	return s
}
