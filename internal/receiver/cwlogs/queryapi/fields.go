package queryapi

import (
	"context"
	"time"

	"lookout/internal/logsearch"
	"lookout/internal/receiver/awsjson"
)

type fieldsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	Time               *int64  `json:"time"` // epoch seconds
}

type logGroupField struct {
	Name    string `json:"name"`
	Percent int    `json:"percent"`
}

type fieldsOutput struct {
	LogGroupFields []logGroupField `json:"logGroupFields"`
}

// getLogGroupFields discovers the fields of the events of the 15 minutes
// before time (default now): the system fields and JSON keys, each with the
// percentage of the events that have it.
func (o *API) getLogGroupFields(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in fieldsInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	group, err := o.b.Groups.Name(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	q := logsearch.FieldsQuery{Project: c.Project, Group: group}
	if in.Time != nil {
		q.AtNano = time.Unix(*in.Time, 0).UnixNano()
	}
	if err := o.b.Groups.Check(ctx, c, group); err != nil {
		return nil, err
	}
	fields, err := o.b.Reader.Fields(ctx, q)
	if err != nil {
		return nil, err
	}
	out := fieldsOutput{LogGroupFields: make([]logGroupField, len(fields))}
	for i, f := range fields {
		out.LogGroupFields[i] = logGroupField{f.Name, f.Percent}
	}
	return out, nil
}
