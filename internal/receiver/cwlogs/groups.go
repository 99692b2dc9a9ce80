package cwlogs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
	"lookout/internal/store"
)

type createGroupInput struct {
	LogGroupName  *string           `json:"logGroupName"`
	KmsKeyID      string            `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass string            `json:"logGroupClass"`
}

func (in *createGroupInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }

func (h *Handler) createLogGroup(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[createGroupInput](body)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "aws/") {
		return nil, invalidParam("Log group names starting with 'aws/' are reserved for AWS services")
	}
	err = h.b.Meta.CreateLogGroup(ctx, store.LogGroup{Project: c.Project, Name: name, CreationMillis: h.now().UnixMilli(),
		Class: in.LogGroupClass, KMSKeyID: in.KmsKeyID, Tags: in.Tags})
	if errors.Is(err, store.ErrExists) {
		return nil, errGroupExists
	}
	return nil, err
}

// groupInput names a group by logGroupName; logGroupIdentifier is taken
// (as a string) and ignored, as by the operations that use it.
type groupInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
}

func (in *groupInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }

func (h *Handler) deleteLogGroup(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, name, err := decodeGroup[groupInput](body)
	if err != nil {
		return nil, err
	}
	return nil, groupErr(h.b.Groups.DeleteGroup(ctx, c.Project, name))
}

type describeGroupsInput struct {
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	LogGroupClass       string   `json:"logGroupClass"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	AccountIdentifiers  []string `json:"accountIdentifiers"`
	// IncludeLinkedAccounts is accepted; a project has no linked accounts.
	IncludeLinkedAccounts bool `json:"includeLinkedAccounts"`
}

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int   `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	KmsKeyID          string `json:"kmsKeyId,omitempty"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeGroupsOutput struct {
	LogGroups []logGroupOut `json:"logGroups"`
	NextToken string        `json:"nextToken,omitempty"`
}

func (h *Handler) describeLogGroups(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in describeGroupsInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParam("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	if err := checkDescribeGroups(&in); err != nil {
		return nil, err
	}
	limit := limitOr(in.Limit, 50)
	q := store.LogGroupList{Project: c.Project, Limit: limit + 1}
	if in.LogGroupNamePrefix != nil {
		q.Prefix = *in.LogGroupNamePrefix
	}
	if in.LogGroupNamePattern != nil {
		q.Pattern = *in.LogGroupNamePattern
	}
	if in.NextToken != nil {
		var err error
		if q.After, err = readPageToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	var wanted map[string]bool
	if len(in.LogGroupIdentifiers) > 0 {
		wanted = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			if n, ok := logname.FromARN(id); ok {
				id = n
			}
			wanted[id] = true
		}
		q.Limit = 0
	}
	groups, err := h.b.Meta.ListLogGroups(ctx, q)
	if err != nil {
		return nil, err
	}
	out := describeGroupsOutput{LogGroups: []logGroupOut{}}
	for _, g := range groups {
		if wanted != nil && !wanted[g.Name] || in.LogGroupClass != "" && g.Class != in.LogGroupClass {
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = pageToken(out.LogGroups[limit-1].LogGroupName)
			break
		}
		out.LogGroups = append(out.LogGroups, h.groupOut(c, g))
	}
	return out, nil
}

func (h *Handler) groupOut(c awsjson.Caller, g store.LogGroup) logGroupOut {
	o := logGroupOut{LogGroupName: g.Name, CreationTime: g.CreationMillis, Arn: logname.GroupARN(c.Region, h.cfg.AccountID, g.Name) + ":*",
		LogGroupArn: logname.GroupARN(c.Region, h.cfg.AccountID, g.Name), StoredBytes: g.StoredBytes, KmsKeyID: g.KMSKeyID, LogGroupClass: g.Class}
	if g.RetentionDays > 0 {
		days := g.RetentionDays
		o.RetentionInDays = &days
	}
	return o
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

type retentionInput struct {
	LogGroupName    *string `json:"logGroupName"`
	RetentionInDays *int    `json:"retentionInDays"`
}

func (in *retentionInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }

func (h *Handler) putRetentionPolicy(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[retentionInput](body)
	if err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil || !slices.Contains(retentionDays, *in.RetentionInDays) {
		var got any = "null"
		if in.RetentionInDays != nil {
			got = *in.RetentionInDays
		}
		return nil, badValue(got, "retentionInDays", fmt.Sprintf("Member must satisfy enum value set: %v", retentionDays))
	}
	return nil, groupErr(h.b.Groups.SetRetention(ctx, c.Project, name, *in.RetentionInDays))
}

func (h *Handler) deleteRetentionPolicy(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, name, err := decodeGroup[groupInput](body)
	if err != nil {
		return nil, err
	}
	return nil, groupErr(h.b.Groups.SetRetention(ctx, c.Project, name, 0))
}
