package cwlogs

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"lookout/internal/querydefs"
	"lookout/internal/receiver/awsjson"
)

// Constraints of the model's query definition shapes.
const (
	maxQueryDefName     = 255
	maxQueryDefID       = 256
	maxQueryString      = 10_000
	maxQueryParams      = 20
	maxParamName        = 128
	maxParamDefault     = 1024
	maxParamDescription = 512
	maxQueryDefResults  = 1000
)

var (
	queryLanguages   = []string{"CWLI", "SQL", "PPL"}
	paramNamePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*`)
	clientTokenRule  = regexp.MustCompile(`^\S{36,128}$`)
	errQueryDefGone  = awsjson.Errorf("ResourceNotFoundException", "The query definition does not exist.")
)

type putQueryDefInput struct {
	QueryLanguage     *string               `json:"queryLanguage"`
	Name              *string               `json:"name"`
	QueryDefinitionID *string               `json:"queryDefinitionId"`
	LogGroupNames     []string              `json:"logGroupNames"`
	QueryString       *string               `json:"queryString"`
	ClientToken       *string               `json:"clientToken"`
	Parameters        []querydefs.Parameter `json:"parameters"`
}

func (h *Handler) putQueryDefinition(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in putQueryDefInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	d, err := in.definition()
	if err != nil {
		return nil, err
	}
	id, err := h.b.QueryDefs.Put(ctx, c.Project, d)
	if err != nil {
		return nil, queryDefErr(err)
	}
	return map[string]string{"queryDefinitionId": id}, nil
}

// definition validates the request as the model does.
func (in *putQueryDefInput) definition() (querydefs.Definition, error) {
	var d querydefs.Definition
	if in.Name == nil {
		return d, nullValue("name")
	}
	if in.QueryString == nil {
		return d, nullValue("queryString")
	}
	if err := checkLen("name", *in.Name, 1, maxQueryDefName); err != nil {
		return d, err
	}
	if err := checkLen("queryString", *in.QueryString, 1, maxQueryString); err != nil {
		return d, err
	}
	lang, err := queryLanguage(in.QueryLanguage)
	if err != nil {
		return d, err
	}
	if in.QueryDefinitionID != nil {
		if err := checkLen("queryDefinitionId", *in.QueryDefinitionID, 1, maxQueryDefID); err != nil {
			return d, err
		}
	}
	if in.ClientToken != nil && !clientTokenRule.MatchString(*in.ClientToken) {
		return d, badValue(*in.ClientToken, "clientToken", `Member must satisfy regular expression pattern: \S{36,128}`)
	}
	for _, g := range in.LogGroupNames {
		if err := checkGroupName("logGroupNames", g); err != nil {
			return d, err
		}
	}
	if len(in.Parameters) > maxQueryParams {
		return d, badList("parameters", "Member must have length less than or equal to "+strconv.Itoa(maxQueryParams))
	}
	for i, p := range in.Parameters {
		member := fmt.Sprintf("parameters.%d.member", i+1)
		if err := checkLen(member+".name", p.Name, 1, maxParamName); err != nil {
			return d, err
		}
		if !paramNamePattern.MatchString(p.Name) {
			return d, badValue(p.Name, member+".name", "Member must satisfy regular expression pattern: ^[a-zA-Z_][a-zA-Z0-9_]*")
		}
		if p.DefaultValue != nil {
			if err := checkLen(member+".defaultValue", *p.DefaultValue, 0, maxParamDefault); err != nil {
				return d, err
			}
		}
		if p.Description != nil {
			if err := checkLen(member+".description", *p.Description, 0, maxParamDescription); err != nil {
				return d, err
			}
		}
	}
	return querydefs.Definition{ID: deref(in.QueryDefinitionID), Name: *in.Name, QueryString: *in.QueryString,
		QueryLanguage: lang, LogGroupNames: in.LogGroupNames, Parameters: in.Parameters, ClientToken: deref(in.ClientToken)}, nil
}

// queryLanguage validates an optional queryLanguage (default CWLI).
func queryLanguage(v *string) (string, error) {
	if v == nil {
		return "CWLI", nil
	}
	if !slices.Contains(queryLanguages, *v) {
		return "", badValue(*v, "queryLanguage", fmt.Sprintf("Member must satisfy enum value set: %v", queryLanguages))
	}
	return *v, nil
}

// checkLen checks a string member's length (in characters) against
// [min, max].
func checkLen(member, v string, min, max int) error {
	if n := len([]rune(v)); n < min || n > max {
		if min == 0 {
			return badValue(v, member, "Member must have length less than or equal to "+strconv.Itoa(max))
		}
		return badValue(v, member, fmt.Sprintf("Member must have length between %d and %d", min, max))
	}
	return nil
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

func (h *Handler) describeQueryDefinitions(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in describeQueryDefsInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if in.QueryLanguage != nil {
		if _, err := queryLanguage(in.QueryLanguage); err != nil {
			return nil, err
		}
	}
	if in.QueryDefinitionNamePrefix != nil {
		if err := checkLen("queryDefinitionNamePrefix", *in.QueryDefinitionNamePrefix, 1, maxQueryDefName); err != nil {
			return nil, err
		}
	}
	limit, err := awsjson.Limit(validationCode, "maxResults", in.MaxResults, maxQueryDefResults, maxQueryDefResults)
	if err != nil {
		return nil, err
	}
	var after string // "name\x00id" of the last definition of the previous page
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || !strings.Contains(string(raw), "\x00") {
			return nil, errBadToken
		}
		after = string(raw)
	}
	all, err := h.b.QueryDefs.List(ctx, c.Project)
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

func (h *Handler) deleteQueryDefinition(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in struct {
		QueryDefinitionID *string `json:"queryDefinitionId"`
	}
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if in.QueryDefinitionID == nil {
		return nil, nullValue("queryDefinitionId")
	}
	if err := checkLen("queryDefinitionId", *in.QueryDefinitionID, 1, maxQueryDefID); err != nil {
		return nil, err
	}
	if err := h.b.QueryDefs.Delete(ctx, c.Project, *in.QueryDefinitionID); err != nil {
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
