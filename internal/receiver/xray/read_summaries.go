package xray

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/tracelint"
)

type summariesRequest struct {
	StartTime        *float64
	EndTime          *float64
	TimeRangeType    string
	Sampling         *bool
	SamplingStrategy *struct {
		Name  string
		Value *float64
	}
	FilterExpression *string
	NextToken        *string
}

type summariesResponse struct {
	TraceSummaries       []traceSummary
	ApproximateTime      *epoch
	TracesProcessedCount int64
	NextToken            *string `json:",omitempty"`
}

type httpSummary struct {
	HttpURL    string `json:",omitempty"`
	HttpStatus *int   `json:",omitempty"`
	HttpMethod string `json:",omitempty"`
	UserAgent  string `json:",omitempty"`
	ClientIp   string `json:",omitempty"`
}

type serviceID struct {
	Name  string   `json:",omitempty"`
	Names []string `json:",omitempty"`
	Type  string   `json:",omitempty"`
}

type annotationValue struct {
	NumberValue  *float64 `json:",omitempty"`
	BooleanValue *bool    `json:",omitempty"`
	StringValue  *string  `json:",omitempty"`
}

type valueWithServiceIDs struct {
	AnnotationValue annotationValue
	ServiceIds      []serviceID
}

type traceUser struct {
	UserName   string
	ServiceIds []serviceID
}

type traceSummary struct {
	Id           string
	StartTime    *epoch
	Duration     float64
	ResponseTime float64
	HasFault     bool
	HasError     bool
	HasThrottle  bool
	IsPartial    bool
	Http         *httpSummary `json:",omitempty"`
	Annotations  map[string][]valueWithServiceIDs
	Users        []traceUser
	ServiceIds   []serviceID
	EntryPoint   *serviceID `json:",omitempty"`
	Revision     int
}

// pageToken is the opaque NextToken of GetTraceSummaries: a keyset cursor
// bound to the query it pages through.
type pageToken struct {
	After string `json:"a"` // trace id, hex
	Start int64  `json:"s"` // its start, ns
	Query string `json:"q"` // digest of the query
}

func (a *ReadAPI) traceSummaries(w http.ResponseWriter, r *http.Request) {
	var in summariesRequest
	if !decode(w, r, &in) {
		return
	}
	start, end, ok := a.window(w, in.StartTime, in.EndTime)
	if !ok {
		return
	}
	switch in.TimeRangeType {
	case "", "TraceId", "Event", "Service":
	default:
		invalid(w, "TimeRangeType %q: want TraceId, Event or Service", in.TimeRangeType)
		return
	}
	var filter xrayfilter.Expr
	expr := ""
	if in.FilterExpression != nil && strings.TrimSpace(*in.FilterExpression) != "" {
		expr = *in.FilterExpression
		var err error
		if filter, err = xrayfilter.Parse(expr); err != nil {
			invalid(w, "invalid filter expression: %v", err)
			return
		}
	}
	rate := 1.0
	if in.Sampling != nil && *in.Sampling && in.SamplingStrategy != nil && in.SamplingStrategy.Name == "FixedRate" &&
		in.SamplingStrategy.Value != nil {
		rate = *in.SamplingStrategy.Value
	}
	digest := queryDigest(*in.StartTime, *in.EndTime, expr, rate)
	var after model.TraceID
	var afterStart int64
	if in.NextToken != nil && *in.NextToken != "" {
		tok, err := parseToken(*in.NextToken, digest)
		if err != nil {
			invalid(w, "NextToken: %v", err)
			return
		}
		after, afterStart = tok.after, tok.start
	}
	project := a.project(r)
	out := summariesResponse{TraceSummaries: []traceSummary{}, ApproximateTime: epochOf(end.UnixNano())}
	cands := a.candidates(project, start, end, filter)
	batch := a.cfg.ScanBatch
	if !cands.residual && rate >= 1 {
		// Every candidate becomes a summary: read one page (and one more, to
		// know whether another page follows).
		batch = min(batch, a.cfg.PageSize+1)
	}
	for scanned := 0; ; {
		ids, starts, err := cands.next(r.Context(), after, afterStart, batch)
		if err != nil {
			a.storeError(w, r, "GetTraceSummaries", err)
			return
		}
		spans, err := a.src.SpansOfTraces(r.Context(), project, ids, tracelint.BulkTrim)
		if err != nil {
			a.storeError(w, r, "GetTraceSummaries", err)
			return
		}
		for i, id := range ids {
			scanned++
			out.TracesProcessedCount++
			after, afterStart = id, starts[i]
			if len(spans[i]) == 0 || !sampled(id, rate) {
				continue
			}
			v := viewOf(id, spans[i])
			if cands.residual && !xrayfilter.Match(filter, &v.facts) {
				continue
			}
			out.TraceSummaries = append(out.TraceSummaries, v.summary())
			if len(out.TraceSummaries) == a.cfg.PageSize && (i < len(ids)-1 || len(ids) == batch) {
				out.NextToken = makeToken(after, afterStart, digest)
				writeJSON(w, out)
				return
			}
		}
		if len(ids) < batch {
			break
		}
		if scanned >= a.cfg.ScanLimit {
			out.NextToken = makeToken(after, afterStart, digest)
			break
		}
	}
	writeJSON(w, out)
}

// sampled keeps a deterministic fraction rate of the traces.
func sampled(id model.TraceID, rate float64) bool {
	if rate >= 1 {
		return true
	}
	return float64(binary.BigEndian.Uint32(id[12:]))/float64(1<<32) < rate
}

func queryDigest(start, end float64, expr string, rate float64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%v|%v|%s|%v", start, end, expr, rate)))
	return hex.EncodeToString(h[:8])
}

func makeToken(after model.TraceID, start int64, digest string) *string {
	b, _ := json.Marshal(pageToken{After: after.String(), Start: start, Query: digest})
	s := base64.RawURLEncoding.EncodeToString(b)
	return &s
}

type cursor struct {
	after model.TraceID
	start int64
}

func parseToken(s, digest string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errors.New("not a token this server issued")
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil {
		return cursor{}, errors.New("not a token this server issued")
	}
	if t.Query != digest {
		return cursor{}, errors.New("the token belongs to another query (time range, filter or sampling changed)")
	}
	id, err := model.ParseTraceID(t.After)
	if err != nil {
		return cursor{}, fmt.Errorf("bad trace id: %w", err)
	}
	return cursor{after: id, start: t.Start}, nil
}

// summary renders the view as a TraceSummary.
func (v *traceView) summary() traceSummary {
	f := &v.facts
	s := traceSummary{Id: f.ID, StartTime: epochOf(v.start), Duration: f.Duration, ResponseTime: f.Entry.ResponseTime,
		HasFault: f.Fault, HasError: f.Error, HasThrottle: f.Throttle, IsPartial: f.Partial,
		Annotations: map[string][]valueWithServiceIDs{}, Users: []traceUser{}, ServiceIds: []serviceID{}}
	if h := f.Entry.HTTP; h != (xrayfilter.HTTP{}) {
		s.Http = &httpSummary{HttpURL: h.URL, HttpMethod: h.Method, UserAgent: h.UserAgent, ClientIp: h.ClientIP}
		if h.Status != 0 {
			st := h.Status
			s.Http.HttpStatus = &st
		}
	}
	for _, n := range f.Nodes {
		if !n.Inferred {
			s.ServiceIds = append(s.ServiceIds, sid(n.Name, n.Type))
		}
	}
	if v.entry >= 0 {
		e := sid(f.Nodes[v.entry].Name, f.Nodes[v.entry].Type)
		s.EntryPoint = &e
	}
	keys := make([]string, 0, len(f.Annotations))
	for k := range f.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range f.Annotations[k] {
			s.Annotations[k] = append(s.Annotations[k], valueWithServiceIDs{
				AnnotationValue: annotationOf(val), ServiceIds: sids(v.annServices[k+"\x00"+val.String()])})
		}
	}
	for _, u := range f.Users {
		s.Users = append(s.Users, traceUser{UserName: u, ServiceIds: sids(v.userNodes[u])})
	}
	return s
}

func sid(name, typ string) serviceID { return serviceID{Name: name, Names: []string{name}, Type: typ} }

func sids(names []string) []serviceID {
	out := make([]serviceID, 0, len(names))
	for _, n := range names {
		out = append(out, serviceID{Name: n, Names: []string{n}})
	}
	return out
}

func annotationOf(v xrayfilter.Value) annotationValue {
	switch v.Kind {
	case xrayfilter.Number:
		n := v.Num
		return annotationValue{NumberValue: &n}
	case xrayfilter.Bool:
		b := v.Bool
		return annotationValue{BooleanValue: &b}
	}
	s := v.Str
	return annotationValue{StringValue: &s}
}
