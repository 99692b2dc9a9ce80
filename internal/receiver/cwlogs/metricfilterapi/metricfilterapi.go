// Package metricfilterapi serves the CloudWatch Logs metric filter
// operations: PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter
// and TestMetricFilter. It decodes each request, applies the rules the
// service's model cannot state (awsjson has checked the model's) and
// encodes the answers; internal/metricfilters keeps the filters, checks
// their patterns and values and computes their metrics. Package cwlogs
// serves these operations with its others and lends them its log group
// check.
package metricfilterapi

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"

	"lookout/internal/metricfilters"
	"lookout/internal/receiver/awsjson"
)

// Filters keeps the metric filters. *metricfilters.Service implements it.
type Filters interface {
	Put(ctx context.Context, project string, f metricfilters.Filter) error
	List(ctx context.Context, project, group string) ([]metricfilters.Filter, error)
	Delete(ctx context.Context, project, group, name string) error
}

// Groups answers the API's ResourceNotFoundException when the caller's
// project has no such log group.
type Groups interface {
	Check(ctx context.Context, c awsjson.Caller, name string) error
}

// Operations returns the operations by name, over f and g.
func Operations(f Filters, g Groups) map[string]awsjson.Operation {
	o := ops{f, g}
	return map[string]awsjson.Operation{
		"PutMetricFilter":       o.put,
		"DescribeMetricFilters": o.describe,
		"DeleteMetricFilter":    o.delete,
		"TestMetricFilter":      o.test,
	}
}

type ops struct {
	filters Filters
	groups  Groups
}

const validationCode = "InvalidParameterException"

// apiError maps the service's errors to the API's.
func apiError(err error) error {
	var fe *metricfilters.FieldError
	switch {
	case errors.As(err, &fe):
		return awsjson.Errorf(validationCode, "Invalid metric filter: %s", fe.Error())
	case errors.Is(err, metricfilters.ErrTooMany):
		return awsjson.Errorf("LimitExceededException", "%s", err)
	case errors.Is(err, metricfilters.ErrNotFound):
		return awsjson.Errorf("ResourceNotFoundException", "The specified metric filter does not exist.")
	}
	return err
}

type putInput struct {
	LogGroupName          string                         `json:"logGroupName"`
	FilterName            string                         `json:"filterName"`
	FilterPattern         string                         `json:"filterPattern"`
	MetricTransformations []metricfilters.Transformation `json:"metricTransformations"`
	ApplyOnTransformed    bool                           `json:"applyOnTransformedLogs"`
}

func (o ops) put(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in putInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if err := o.groups.Check(ctx, c, in.LogGroupName); err != nil {
		return nil, err
	}
	return nil, apiError(o.filters.Put(ctx, c.Project, metricfilters.Filter{LogGroupName: in.LogGroupName, FilterName: in.FilterName,
		FilterPattern: in.FilterPattern, MetricTransformations: in.MetricTransformations, ApplyOnTransformed: in.ApplyOnTransformed}))
}

type describeInput struct {
	LogGroupName     string  `json:"logGroupName"`
	FilterNamePrefix *string `json:"filterNamePrefix"`
	NextToken        *string `json:"nextToken"`
	Limit            *int32  `json:"limit"`
	MetricName       *string `json:"metricName"`
	MetricNamespace  *string `json:"metricNamespace"`
}

type describeOutput struct {
	MetricFilters []metricfilters.Filter `json:"metricFilters"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

// describe lists the filters of a group (of every group without one), by
// group and name, those of a metric when metricName and metricNamespace
// are given.
func (o ops) describe(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in describeInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if (in.MetricName == nil) != (in.MetricNamespace == nil) {
		return nil, awsjson.Errorf(validationCode, "metricName and metricNamespace must be specified together")
	}
	if in.FilterNamePrefix != nil && in.LogGroupName == "" {
		return nil, awsjson.Errorf(validationCode, "filterNamePrefix requires logGroupName")
	}
	var after string
	if in.NextToken != nil {
		b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || len(b) == 0 {
			return nil, awsjson.Errorf(validationCode, "The specified nextToken is invalid.")
		}
		after = string(b)
	}
	if in.LogGroupName != "" {
		if err := o.groups.Check(ctx, c, in.LogGroupName); err != nil {
			return nil, err
		}
	}
	all, err := o.filters.List(ctx, c.Project, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := describeOutput{MetricFilters: []metricfilters.Filter{}}
	for _, f := range all {
		key := f.LogGroupName + ":" + f.FilterName
		if after != "" && key <= after || !wanted(f, in) {
			continue
		}
		if len(out.MetricFilters) == limit {
			last := out.MetricFilters[limit-1]
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(last.LogGroupName + ":" + last.FilterName))
			break
		}
		out.MetricFilters = append(out.MetricFilters, f)
	}
	return out, nil
}

func wanted(f metricfilters.Filter, in describeInput) bool {
	if in.FilterNamePrefix != nil && !strings.HasPrefix(f.FilterName, *in.FilterNamePrefix) {
		return false
	}
	if in.MetricName == nil {
		return true
	}
	for _, t := range f.MetricTransformations {
		if t.MetricName == *in.MetricName && t.MetricNamespace == *in.MetricNamespace {
			return true
		}
	}
	return false
}

type deleteInput struct {
	LogGroupName string `json:"logGroupName"`
	FilterName   string `json:"filterName"`
}

func (o ops) delete(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in deleteInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if err := o.groups.Check(ctx, c, in.LogGroupName); err != nil {
		return nil, err
	}
	return nil, apiError(o.filters.Delete(ctx, c.Project, in.LogGroupName, in.FilterName))
}

type testInput struct {
	FilterPattern    string   `json:"filterPattern"`
	LogEventMessages []string `json:"logEventMessages"`
}

func (o ops) test(_ context.Context, _ awsjson.Caller, body []byte) (any, error) {
	var in testInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	m, err := metricfilters.Test(in.FilterPattern, in.LogEventMessages)
	if err != nil {
		return nil, apiError(err)
	}
	return struct {
		Matches []metricfilters.Match `json:"matches"`
	}{m}, nil
}
