package cwlogs

import (
	"context"
	"slices"
	"strings"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
	"lookout/internal/store"
)

type tagFilter struct {
	Key    *string  `json:"key"`
	Values []string `json:"values"`
}

type listGroupsInput struct {
	LogGroupNamePattern   *string     `json:"logGroupNamePattern"`
	LogGroupClass         *string     `json:"logGroupClass"`
	IncludeLinkedAccounts bool        `json:"includeLinkedAccounts"`
	AccountIdentifiers    []string    `json:"accountIdentifiers"`
	NextToken             *string     `json:"nextToken"`
	Limit                 *int32      `json:"limit"`
	DataSources           []any       `json:"dataSources"`
	FieldIndexNames       []string    `json:"fieldIndexNames"`
	LogGroupTags          []tagFilter `json:"logGroupTags"`
}

type logGroupSummary struct {
	LogGroupName  string `json:"logGroupName"`
	LogGroupArn   string `json:"logGroupArn"`
	LogGroupClass string `json:"logGroupClass"`
}

type listGroupsOutput struct {
	LogGroups []logGroupSummary `json:"logGroups"`
	NextToken string            `json:"nextToken,omitempty"`
}

// listLogGroups lists the groups whose name matches the pattern (up to
// five alternatives separated by |, each a case-sensitive substring or,
// with ^, a prefix), of a class and with tags, by name.
func (h *Handler) listLogGroups(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in listGroupsInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	var alternatives []string
	if in.LogGroupNamePattern != nil {
		alternatives = strings.Split(*in.LogGroupNamePattern, "|")
	}
	limit := limitOr(in.Limit, 50)
	var err error
	q := store.LogGroupList{Project: c.Project}
	if in.NextToken != nil {
		if q.After, err = readPageToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	out := listGroupsOutput{LogGroups: []logGroupSummary{}}
	if len(in.DataSources) > 0 || len(in.FieldIndexNames) > 0 {
		return out, nil // no group has data sources or field indexes here
	}
	groups, err := h.b.Meta.ListLogGroups(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if !matchesList(alternatives, g.Name) || in.LogGroupClass != nil && g.Class != *in.LogGroupClass || !hasTags(g, in.LogGroupTags) {
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = pageToken(out.LogGroups[limit-1].LogGroupName)
			break
		}
		out.LogGroups = append(out.LogGroups, logGroupSummary{g.Name, logname.GroupARN(c.Region, h.cfg.AccountID, g.Name), cmpOr(g.Class, "STANDARD")})
	}
	return out, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// matchesList tells whether name matches one of the alternatives of a
// ListLogGroups pattern (none: every name).
func matchesList(alternatives []string, name string) bool {
	if len(alternatives) == 0 {
		return true
	}
	return slices.ContainsFunc(alternatives, func(a string) bool {
		if p, ok := strings.CutPrefix(a, "^"); ok {
			return strings.HasPrefix(name, p)
		}
		return strings.Contains(name, a)
	})
}

// hasTags tells whether g has every filter's key, with one of its values
// when it lists any.
func hasTags(g store.LogGroup, filters []tagFilter) bool {
	for _, f := range filters {
		v, ok := g.Tags[*f.Key]
		if !ok || len(f.Values) > 0 && !slices.Contains(f.Values, v) {
			return false
		}
	}
	return true
}

// checkDescribeGroups applies DescribeLogGroups' rule the model cannot
// state: logGroupIdentifiers go with no filter but includeLinkedAccounts.
func checkDescribeGroups(in *describeGroupsInput) error {
	if in.LogGroupIdentifiers != nil && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil || in.LogGroupClass != "") {
		return invalidParam("logGroupIdentifiers can only be combined with includeLinkedAccounts.")
	}
	return nil
}
