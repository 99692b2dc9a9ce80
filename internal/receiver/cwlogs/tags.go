package cwlogs

import (
	"context"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
)

// maxTags is how many tags a log group can have; the model bounds the tags
// of one request, the service the group's after the merge.
const maxTags = 50

type tagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
	TagKeys     []string          `json:"tagKeys"`
}

func (in *tagResourceInput) group() (string, error) { return arnGroup(in.ResourceArn) }

// The inputs of the deprecated TagLogGroup and UntagLogGroup.
type (
	tagGroupInput struct {
		LogGroupName *string           `json:"logGroupName"`
		Tags         map[string]string `json:"tags"`
	}
	untagGroupInput struct {
		LogGroupName *string  `json:"logGroupName"`
		Tags         []string `json:"tags"`
	}
)

func (in *tagGroupInput) group() (string, error)   { return logname.Resolve(in.LogGroupName, nil) }
func (in *untagGroupInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }

type tagsOutput struct {
	Tags map[string]string `json:"tags"`
}

// arnGroup resolves a tagging API's resourceArn to a group name.
func arnGroup(arn string) (string, error) {
	name, ok := logname.FromARN(arn)
	if !ok {
		return "", invalidParam("resourceArn %q is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)", arn)
	}
	return name, logname.Check("resourceArn", name)
}

func (h *Handler) tagResource(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[tagResourceInput](body)
	if err != nil {
		return nil, err
	}
	return nil, h.addTags(ctx, c, name, in.Tags, "TooManyTagsException")
}

// addTags merges tags into a group's; more than maxTags after the merge is
// tooMany (TagResource's TooManyTagsException; the deprecated TagLogGroup
// has only InvalidParameterException).
func (h *Handler) addTags(ctx context.Context, c awsjson.Caller, name string, tags map[string]string, tooMany string) error {
	g, err := h.logGroup(ctx, c, name)
	if err != nil {
		return err
	}
	n := len(g.Tags) // after the merge
	for k := range tags {
		if _, ok := g.Tags[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return awsjson.Errorf(tooMany, "a log group can have at most %d tags; it would have %d", maxTags, n)
	}
	return groupErr(h.b.Meta.TagLogGroup(ctx, c.Project, name, tags))
}

func (h *Handler) untagResource(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[tagResourceInput](body)
	if err != nil {
		return nil, err
	}
	return nil, groupErr(h.b.Meta.UntagLogGroup(ctx, c.Project, name, in.TagKeys))
}

func (h *Handler) listTagsForResource(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, name, err := decodeGroup[tagResourceInput](body)
	if err != nil {
		return nil, err
	}
	return h.listTags(ctx, c, name)
}

func (h *Handler) listTags(ctx context.Context, c awsjson.Caller, name string) (any, error) {
	g, err := h.logGroup(ctx, c, name)
	if err != nil {
		return nil, err
	}
	if g.Tags == nil {
		g.Tags = map[string]string{}
	}
	return tagsOutput{Tags: g.Tags}, nil
}

// The deprecated tagging calls, still used by older tools.

func (h *Handler) tagLogGroup(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[tagGroupInput](body)
	if err != nil {
		return nil, err
	}
	return nil, h.addTags(ctx, c, name, in.Tags, validationCode)
}

func (h *Handler) untagLogGroup(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, name, err := decodeGroup[untagGroupInput](body)
	if err != nil {
		return nil, err
	}
	return nil, groupErr(h.b.Meta.UntagLogGroup(ctx, c.Project, name, in.Tags))
}

func (h *Handler) listTagsLogGroup(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, name, err := decodeGroup[groupInput](body)
	if err != nil {
		return nil, err
	}
	return h.listTags(ctx, c, name)
}
