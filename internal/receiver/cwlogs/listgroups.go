package cwlogs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

// Constraints of the model's ListLogGroups and DescribeLogGroups members.
const (
	maxListGroups       = 1000
	maxAccountIDs       = 20
	maxDescribeGroupIDs = 50
	maxTagFilters       = 5
	maxTagFilterValues  = 5
	listPatternRule     = `(\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4}`
	identifierRule      = `[\w#+=/:,.@-]*`
	tagKeyRule          = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`
)

var (
	listPattern  = regexp.MustCompile(`^` + listPatternRule + `$`)
	identifierRe = regexp.MustCompile(`^` + identifierRule + `$`)
	tagKeyRe     = regexp.MustCompile(tagKeyRule)
	accountIDRe  = regexp.MustCompile(`^\d{12}$`)
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
		p := *in.LogGroupNamePattern
		if err := checkLen("logGroupNamePattern", p, 3, 129); err != nil {
			return nil, err
		}
		if !listPattern.MatchString(p) {
			return nil, badValue(p, "logGroupNamePattern", "Member must satisfy regular expression pattern: "+listPatternRule)
		}
		alternatives = strings.Split(p, "|")
	}
	if err := checkGroupClass(in.LogGroupClass); err != nil {
		return nil, err
	}
	if err := checkAccounts(in.AccountIdentifiers); err != nil {
		return nil, err
	}
	if err := checkTagFilters(in.LogGroupTags); err != nil {
		return nil, err
	}
	if in.DataSources != nil && (len(in.DataSources) < 1 || len(in.DataSources) > 5) {
		return nil, badList("dataSources", "Member must have length between 1 and 5")
	}
	if in.FieldIndexNames != nil && (len(in.FieldIndexNames) < 1 || len(in.FieldIndexNames) > 20) {
		return nil, badList("fieldIndexNames", "Member must have length between 1 and 20")
	}
	limit, err := checkLimit("limit", in.Limit, maxListGroups, 50)
	if err != nil {
		return nil, err
	}
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
		out.LogGroups = append(out.LogGroups, logGroupSummary{g.Name, h.groupArn(c, g.Name), cmpOr(g.Class, "STANDARD")})
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

func checkGroupClass(class *string) error {
	if class != nil && !slices.Contains(groupClasses, *class) {
		return badValue(*class, "logGroupClass", fmt.Sprintf("Member must satisfy enum value set: %v", groupClasses))
	}
	return nil
}

func checkAccounts(ids []string) error {
	if len(ids) > maxAccountIDs {
		return badList("accountIdentifiers", "Member must have length less than or equal to "+strconv.Itoa(maxAccountIDs))
	}
	for _, id := range ids {
		if !accountIDRe.MatchString(id) {
			return badValue(id, "accountIdentifiers", `Member must satisfy regular expression pattern: ^\d{12}$`)
		}
	}
	return nil
}

func checkTagFilters(filters []tagFilter) error {
	if filters == nil {
		return nil
	}
	if n := len(filters); n < 1 || n > maxTagFilters {
		return badList("logGroupTags", "Member must have length between 1 and "+strconv.Itoa(maxTagFilters))
	}
	for i, f := range filters {
		member := fmt.Sprintf("logGroupTags.%d.member", i+1)
		if f.Key == nil {
			return nullValue(member + ".key")
		}
		if err := checkLen(member+".key", *f.Key, 1, 128); err != nil {
			return err
		}
		if !tagKeyRe.MatchString(*f.Key) {
			return badValue(*f.Key, member+".key", "Member must satisfy regular expression pattern: "+tagKeyRule)
		}
		if len(f.Values) > maxTagFilterValues {
			return badList(member+".values", "Member must have length less than or equal to "+strconv.Itoa(maxTagFilterValues))
		}
	}
	return nil
}

// checkDescribeGroups validates DescribeLogGroups' members as the model
// does; logGroupIdentifiers go with no filter but includeLinkedAccounts.
func checkDescribeGroups(in *describeGroupsInput) error {
	if in.LogGroupNamePrefix != nil {
		if err := checkGroupName("logGroupNamePrefix", *in.LogGroupNamePrefix); err != nil {
			return err
		}
	}
	if p := in.LogGroupNamePattern; p != nil {
		if err := checkLen("logGroupNamePattern", *p, 0, maxNameLen); err != nil {
			return err
		}
		if strings.IndexFunc(*p, func(r rune) bool { return !validGroupChar(r) }) >= 0 {
			return badValue(*p, "logGroupNamePattern", `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]*`)
		}
	}
	if in.LogGroupClass != "" {
		if err := checkGroupClass(&in.LogGroupClass); err != nil {
			return err
		}
	}
	if err := checkAccounts(in.AccountIdentifiers); err != nil {
		return err
	}
	if in.LogGroupIdentifiers == nil {
		return nil
	}
	if n := len(in.LogGroupIdentifiers); n < 1 || n > maxDescribeGroupIDs {
		return badList("logGroupIdentifiers", "Member must have length between 1 and "+strconv.Itoa(maxDescribeGroupIDs))
	}
	for _, id := range in.LogGroupIdentifiers {
		if n := len(id); n < 1 || n > maxIdentifierLen {
			return badValue(id, "logGroupIdentifiers", "Member must have length between 1 and "+strconv.Itoa(maxIdentifierLen))
		}
		if !identifierRe.MatchString(id) {
			return badValue(id, "logGroupIdentifiers", "Member must satisfy regular expression pattern: "+identifierRule)
		}
	}
	if in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil || in.LogGroupClass != "" {
		return invalidParam("logGroupIdentifiers can only be combined with includeLinkedAccounts.")
	}
	return nil
}
