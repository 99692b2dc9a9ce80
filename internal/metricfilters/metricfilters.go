// Package metricfilters keeps CloudWatch Logs metric filters and computes
// their metrics. A filter (a log group, a name, a filter pattern and one
// metric transformation) is kept as a versioned document of the metadata
// store (store.Documents, kind Kind), so that both metadata stores keep it
// without a schema of their own. Its metric is computed when asked, from
// the group's stored events that arrived after the filter was created:
// per time bucket, the events seen, those that matched and the sum of
// their metric values (internal/query/cwpattern reads the pattern and the
// values). It knows no wire protocol.
package metricfilters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// Kind is the kind of the documents filters are stored as; a document's
// name is "<group>:<filter>" (neither may hold a colon).
const Kind = "cwlogs.metric-filter"

// MaxPerGroup is how many metric filters a log group can have, as the
// service allows.
const MaxPerGroup = 100

// Errors of the service's own; a *FieldError names a member.
var (
	ErrNotFound = errors.New("metric filter not found")
	ErrTooMany  = fmt.Errorf("a log group can have at most %d metric filters", MaxPerGroup)
)

// FieldError is a filter the service refuses, naming the member.
type FieldError struct{ Member, Msg string }

func (e *FieldError) Error() string { return e.Member + ": " + e.Msg }

// Transformation is how matching events become a metric.
type Transformation struct {
	MetricName      string            `json:"metricName"`
	MetricNamespace string            `json:"metricNamespace"`
	MetricValue     string            `json:"metricValue"` // a number, $.path or $field
	DefaultValue    *float64          `json:"defaultValue,omitempty"`
	Dimensions      map[string]string `json:"dimensions,omitempty"`
	Unit            string            `json:"unit,omitempty"`
}

// Filter is a metric filter.
type Filter struct {
	LogGroupName          string           `json:"logGroupName"`
	FilterName            string           `json:"filterName"`
	FilterPattern         string           `json:"filterPattern"`
	MetricTransformations []Transformation `json:"metricTransformations"`
	CreationTime          int64            `json:"creationTime"` // epoch milliseconds
	ApplyOnTransformed    bool             `json:"applyOnTransformedLogs"`
}

// Service keeps the filters and computes their metrics. It is safe for
// concurrent use.
type Service struct {
	docs   store.Documents
	events store.LogGroupEvents
	now    func() time.Time
	// maxScan bounds the events one Series call reads.
	maxScan int
}

// New builds the service; now nil is time.Now.
func New(docs store.Documents, events store.LogGroupEvents, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{docs: docs, events: events, now: now, maxScan: 1_000_000}
}

func docName(group, filter string) string { return group + ":" + filter }

// Check parses the pattern and checks the transformation's values against
// it: a metric value is a number or a reference the pattern can read; a
// default value and dimensions do not go together.
func Check(f Filter) (*cwpattern.Pattern, error) {
	p, err := cwpattern.Parse(f.FilterPattern)
	if err != nil {
		return nil, &FieldError{"filterPattern", err.Error()}
	}
	for _, t := range f.MetricTransformations {
		if _, err := strconv.ParseFloat(t.MetricValue, 64); err != nil && !p.CheckRef(t.MetricValue) {
			return nil, &FieldError{"metricValue", fmt.Sprintf("%q is neither a number nor a field the pattern names ($.path, or $name of a space-delimited pattern)", t.MetricValue)}
		}
		if t.DefaultValue != nil && len(t.Dimensions) > 0 {
			return nil, &FieldError{"defaultValue", "a metric with dimensions takes no default value"}
		}
		for k, v := range t.Dimensions {
			if strings.HasPrefix(v, "$") && !p.CheckRef(v) {
				return nil, &FieldError{"dimensions", fmt.Sprintf("%s: %q is not a field the pattern names", k, v)}
			}
		}
	}
	return p, nil
}

// Put creates or replaces a filter (its creation time kept on replace);
// the caller has checked that the group exists.
func (s *Service) Put(ctx context.Context, project string, f Filter) error {
	if _, err := Check(f); err != nil {
		return err
	}
	all, err := s.List(ctx, project, f.LogGroupName)
	if err != nil {
		return err
	}
	f.CreationTime = s.now().UnixMilli()
	if i := slices.IndexFunc(all, func(o Filter) bool { return o.FilterName == f.FilterName }); i >= 0 {
		f.CreationTime = all[i].CreationTime
	} else if len(all) >= MaxPerGroup {
		return ErrTooMany
	}
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = s.docs.PutDocument(ctx, store.Document{Project: project, Kind: Kind, Name: docName(f.LogGroupName, f.FilterName), Body: body}, store.AnyVersion)
	return err
}

// List returns the filters of a group ("" every group's), by group and
// name.
func (s *Service) List(ctx context.Context, project, group string) ([]Filter, error) {
	docs, err := s.docs.Documents(ctx, project, Kind)
	if err != nil {
		return nil, err
	}
	out := []Filter{}
	for _, d := range docs {
		if group != "" && !strings.HasPrefix(d.Name, group+":") {
			continue
		}
		var f Filter
		if err := json.Unmarshal(d.Body, &f); err != nil {
			return nil, fmt.Errorf("metric filter %q: %w", d.Name, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// Get returns one filter; ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, project, group, name string) (Filter, error) {
	d, err := s.docs.Document(ctx, project, Kind, docName(group, name))
	if errors.Is(err, store.ErrNotFound) {
		return Filter{}, ErrNotFound
	}
	if err != nil {
		return Filter{}, err
	}
	var f Filter
	return f, json.Unmarshal(d.Body, &f)
}

// Delete removes a filter; ErrNotFound when there is none.
func (s *Service) Delete(ctx context.Context, project, group, name string) error {
	err := s.docs.DeleteDocument(ctx, project, Kind, docName(group, name), store.AnyVersion)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// Match is one message a pattern matched (TestMetricFilter).
type Match struct {
	EventNumber     int               `json:"eventNumber"` // 1-based
	EventMessage    string            `json:"eventMessage"`
	ExtractedValues map[string]string `json:"extractedValues"`
}

// Test runs a pattern over messages and returns those it matches, with
// the values it names.
func Test(pattern string, messages []string) ([]Match, error) {
	p, err := cwpattern.Parse(pattern)
	if err != nil {
		return nil, &FieldError{"filterPattern", err.Error()}
	}
	out := []Match{}
	for i, m := range messages {
		if vals, ok := p.Values(m); ok {
			out = append(out, Match{EventNumber: i + 1, EventMessage: m, ExtractedValues: vals})
		}
	}
	return out, nil
}
