package queryapi

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"

	"lookout/internal/querydefs"
	"lookout/internal/receiver/awsjson"
)

// maxQueryDefResults is DescribeQueryDefinitions' default page.
const maxQueryDefResults = 1000

var errQueryDefGone = awsjson.Errorf("ResourceNotFoundException", "The query definition does not exist.")

type putQueryDefInput struct {
	QueryLanguage     *string               `json:"queryLanguage"`
	Name              *string               `json:"name"`
	QueryDefinitionID *string               `json:"queryDefinitionId"`
	LogGroupNames     []string              `json:"logGroupNames"`
	QueryString       *string               `json:"queryString"`
	ClientToken       *string               `json:"clientToken"`
	Parameters        []querydefs.Parameter `json:"parameters"`
}

func (o *API) putQueryDefinition(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in putQueryDefInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	d, err := in.definition()
	if err != nil {
		return nil, err
	}
	id, err := o.b.QueryDefs.Put(ctx, c.Project, d)
	if err != nil {
		return nil, queryDefErr(err)
	}
	return map[string]string{"queryDefinitionId": id}, nil
}

// definition takes the request, which the model has checked.
func (in *putQueryDefInput) definition() (querydefs.Definition, error) {
	if in.Name == nil || in.QueryString == nil { // the model requires both
		return querydefs.Definition{}, invalidParam("name and queryString are required")
	}
	lang := "CWLI"
	if in.QueryLanguage != nil {
		lang = *in.QueryLanguage
	}
	return querydefs.Definition{ID: deref(in.QueryDefinitionID), Name: *in.Name, QueryString: *in.QueryString,
		QueryLanguage: lang, LogGroupNames: in.LogGroupNames, Parameters: in.Parameters, ClientToken: deref(in.ClientToken)}, nil
}

type describeQueryDefsInput struct {
	QueryLanguage             *string `json:"queryLanguage"`
	QueryDefinitionNamePrefix *string `json:"queryDefinitionNamePrefix"`
	MaxResults                *int32  `json:"maxResults"`
	NextToken                 *string `json:"nextToken"`
}

type describeQueryDefsOutput struct {
	QueryDefinitions []querydefs.Definition `json:"queryDefinitions"`
	NextToken        string                 `json:"nextToken,omitempty"`
}

func (o *API) describeQueryDefinitions(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in describeQueryDefsInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	limit := limitOr(in.MaxResults, maxQueryDefResults)
	var after string // "name\x00id" of the last definition of the previous page
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || !strings.Contains(string(raw), "\x00") {
			return nil, errBadToken
		}
		after = string(raw)
	}
	all, err := o.b.QueryDefs.List(ctx, c.Project)
	if err != nil {
		return nil, err
	}
	out := describeQueryDefsOutput{QueryDefinitions: []querydefs.Definition{}}
	for _, d := range all {
		key := d.Name + "\x00" + d.ID
		if after != "" && key <= after || in.QueryDefinitionNamePrefix != nil && !strings.HasPrefix(d.Name, *in.QueryDefinitionNamePrefix) ||
			in.QueryLanguage != nil && d.QueryLanguage != *in.QueryLanguage {
			continue
		}
		if len(out.QueryDefinitions) == limit {
			last := out.QueryDefinitions[limit-1]
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(last.Name + "\x00" + last.ID))
			break
		}
		d.ClientToken = ""
		out.QueryDefinitions = append(out.QueryDefinitions, d)
	}
	return out, nil
}

func (o *API) deleteQueryDefinition(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in struct {
		QueryDefinitionID *string `json:"queryDefinitionId"`
	}
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if err := o.b.QueryDefs.Delete(ctx, c.Project, deref(in.QueryDefinitionID)); err != nil {
		return nil, queryDefErr(err)
	}
	return map[string]bool{"success": true}, nil
}

func queryDefErr(err error) error {
	switch {
	case errors.Is(err, querydefs.ErrNotFound):
		return errQueryDefGone
	case errors.Is(err, querydefs.ErrTooMany):
		return awsjson.Errorf("LimitExceededException", "You have reached the maximum number of query definitions (%d).", querydefs.MaxPerProject)
	}
	return err
}
