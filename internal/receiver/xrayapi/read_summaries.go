package xrayapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/receiver/restjson"
	"lookout/internal/xrayread"
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
	ApproximateTime      *restjson.Epoch
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
	StartTime    *restjson.Epoch
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

func (a *ReadAPI) traceSummaries(w http.ResponseWriter, r *http.Request) {
	var in summariesRequest
	if !restjson.Decode(w, r, &in) {
		return
	}
	start, end, ok := a.window(w, in.StartTime, in.EndTime)
	if !ok {
		return
	}
	switch in.TimeRangeType {
	case "", "TraceId", "Event", "Service":
	default:
		restjson.Invalid(w, "TimeRangeType %q: want TraceId, Event or Service", in.TimeRangeType)
		return
	}
	q := xrayread.SummaryQuery{Start: start, End: end, Rate: 1}
	expr := ""
	if in.FilterExpression != nil && strings.TrimSpace(*in.FilterExpression) != "" {
		expr = *in.FilterExpression
		var err error
		if q.Filter, err = xrayfilter.Parse(expr); err != nil {
			restjson.Invalid(w, "invalid filter expression: %v", err)
			return
		}
	}
	if in.Sampling != nil && *in.Sampling && in.SamplingStrategy != nil && in.SamplingStrategy.Name == "FixedRate" &&
		in.SamplingStrategy.Value != nil {
		q.Rate = *in.SamplingStrategy.Value
	}
	digest := queryDigest(*in.StartTime, *in.EndTime, expr, q.Rate)
	if in.NextToken != nil && *in.NextToken != "" {
		after, err := parseToken(*in.NextToken, digest)
		if err != nil {
			restjson.Invalid(w, "NextToken: %v", err)
			return
		}
		if !after.ID.IsZero() {
			q.After = &after
		}
	}
	page, err := a.read.Summaries(r.Context(), a.project(r), q)
	if err != nil {
		a.readError(w, r, "GetTraceSummaries", err)
		return
	}
	out := summariesResponse{TraceSummaries: make([]traceSummary, len(page.Summaries)),
		ApproximateTime: restjson.EpochOf(end.UnixNano()), TracesProcessedCount: page.Processed}
	for i := range page.Summaries {
		out.TraceSummaries[i] = summaryOut(&page.Summaries[i])
	}
	if page.Next != nil {
		out.NextToken = makeToken(*page.Next, digest)
	}
	restjson.Write(w, out)
}

// pageToken is the opaque NextToken of GetTraceSummaries: a keyset cursor
// bound to the query it pages through.
type pageToken struct {
	After string `json:"a"` // trace id, hex
	Start int64  `json:"s"` // its start, ns
	Query string `json:"q"` // digest of the query
}

func queryDigest(start, end float64, expr string, rate float64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%v|%v|%s|%v", start, end, expr, rate)))
	return hex.EncodeToString(h[:8])
}

func makeToken(after query.TraceRef, digest string) *string {
	b, _ := json.Marshal(pageToken{After: after.ID.String(), Start: after.Start, Query: digest})
	s := base64.RawURLEncoding.EncodeToString(b)
	return &s
}

func parseToken(s, digest string) (query.TraceRef, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return query.TraceRef{}, errors.New("not a token this server issued")
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil {
		return query.TraceRef{}, errors.New("not a token this server issued")
	}
	if t.Query != digest {
		return query.TraceRef{}, errors.New("the token belongs to another query (time range, filter or sampling changed)")
	}
	id, err := model.ParseTraceID(t.After)
	if err != nil {
		return query.TraceRef{}, fmt.Errorf("bad trace id: %w", err)
	}
	return query.TraceRef{ID: id, Start: t.Start}, nil
}

// summaryOut renders a summary as a TraceSummary.
func summaryOut(v *xrayread.Summary) traceSummary {
	s := traceSummary{Id: v.ID.XRayString(), StartTime: restjson.EpochOf(v.Start.UnixNano()), Duration: v.Duration,
		ResponseTime: v.ResponseTime, HasFault: v.Fault, HasError: v.Error, HasThrottle: v.Throttle, IsPartial: v.Partial,
		Annotations: map[string][]valueWithServiceIDs{}, Users: []traceUser{}, ServiceIds: []serviceID{}}
	if h := v.HTTP; h != (xrayfilter.HTTP{}) {
		s.Http = &httpSummary{HttpURL: h.URL, HttpMethod: h.Method, UserAgent: h.UserAgent, ClientIp: h.ClientIP}
		if h.Status != 0 {
			st := h.Status
			s.Http.HttpStatus = &st
		}
	}
	for _, n := range v.Services {
		s.ServiceIds = append(s.ServiceIds, sid(n.Name, n.Type))
	}
	if v.Entry != nil {
		e := sid(v.Entry.Name, v.Entry.Type)
		s.EntryPoint = &e
	}
	for _, an := range v.Annotations {
		s.Annotations[an.Key] = append(s.Annotations[an.Key], valueWithServiceIDs{
			AnnotationValue: annotationOf(an.Value), ServiceIds: sids(an.Services)})
	}
	for _, u := range v.Users {
		s.Users = append(s.Users, traceUser{UserName: u.Name, ServiceIds: sids(u.Services)})
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
