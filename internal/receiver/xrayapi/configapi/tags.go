package configapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/receiver/xrayapi/samplingapi"
	"lookout/internal/store"
	"lookout/internal/xraygroups"
	"lookout/internal/xraysampling"
)

// Paths of the tagging operations.
const (
	TagResourcePath         = "/TagResource"
	UntagResourcePath       = "/UntagResource"
	ListTagsForResourcePath = "/ListTagsForResource"
)

// Limits of tags, from X-Ray's API model and documentation.
const (
	maxTagKeys    = 200 // TagList and TagKeyList
	maxARNLen     = 1011
	tagKeyMaxLen  = 128
	tagValueMaxLn = 256
	maxTags       = 50 // on one resource
)

// RuleTagger keeps the tags of sampling rules. *xraysampling.Service
// implements it.
type RuleTagger interface {
	Rules(ctx context.Context, project string) ([]xraysampling.Record, error)
	RetagRule(ctx context.Context, project, name string, fn func([]xraysampling.Tag) ([]xraysampling.Tag, error)) (xraysampling.Record, error)
}

// GroupTagger keeps the tags of groups. *xraygroups.Service implements it.
type GroupTagger interface {
	Get(ctx context.Context, project string, ref xraygroups.Ref) (xraygroups.Group, error)
	Retag(ctx context.Context, project string, ref xraygroups.Ref, fn func([]store.ResourceTag) ([]store.ResourceTag, error)) (xraygroups.Group, error)
}

// TagsAPI serves TagResource, UntagResource and ListTagsForResource for
// sampling rules (by RuleARN) and groups (by GroupARN). It is safe for
// concurrent use.
type TagsAPI struct {
	rules   RuleTagger
	groups  GroupTagger
	project func(*http.Request) string
	log     *slog.Logger
}

// NewTagsAPI builds the tagging operations; project maps a request to its
// project (nil: model.DefaultProject), log nil is slog.Default().
func NewTagsAPI(rules RuleTagger, groups GroupTagger, project func(*http.Request) string, log *slog.Logger) (*TagsAPI, error) {
	if rules == nil || groups == nil {
		return nil, errors.New("xray tags api: nil rules or groups")
	}
	if project == nil {
		project = func(*http.Request) string { return model.DefaultProject }
	}
	if log == nil {
		log = slog.Default()
	}
	return &TagsAPI{rules: rules, groups: groups, project: project, log: log}, nil
}

// Register mounts the three operations (POST only) on mux.
func (a *TagsAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+TagResourcePath, a.tag)
	mux.HandleFunc("POST "+UntagResourcePath, a.untag)
	mux.HandleFunc("POST "+ListTagsForResourcePath, a.list)
}

type tagJSON struct{ Key, Value string }

// resource is what a ResourceARN names: a rule (rule != "") or a group.
type resource struct {
	arn, rule string
	group     xraygroups.Ref
}

func resourceOf(arn *string) (resource, error) {
	switch {
	case arn == nil:
		return resource{}, restjson.Invalidf("ResourceARN is required")
	case len(*arn) < 1 || len(*arn) > maxARNLen:
		return resource{}, restjson.Invalidf("ResourceARN must be 1 to %d characters long, not %d", maxARNLen, len(*arn))
	case strings.HasPrefix(*arn, "arn:") && strings.Contains(*arn, ":group/"):
		return resource{arn: *arn, group: xraygroups.Ref{ARN: arn}}, nil
	case strings.HasPrefix(*arn, "arn:") && strings.Contains(*arn, ":sampling-rule/"):
		name, err := samplingapi.RuleName(nil, arn, "ResourceARN")
		return resource{arn: *arn, rule: name}, err
	}
	return resource{}, restjson.Invalidf("ResourceARN %q is not the ARN of an X-Ray group or sampling rule", *arn)
}

// retag applies fn to the tags of res.
func (a *TagsAPI) retag(ctx context.Context, project string, res resource, fn func([]tagJSON) ([]tagJSON, error)) ([]tagJSON, error) {
	var out []tagJSON
	if res.rule != "" {
		rec, err := a.rules.RetagRule(ctx, project, res.rule, func(cur []xraysampling.Tag) ([]xraysampling.Tag, error) {
			next, err := fn(convertTags(cur, fromRuleTag))
			return convertTags(next, toRuleTag), err
		})
		return convertTags(rec.Tags, fromRuleTag), err
	}
	if fn == nil {
		g, err := a.groups.Get(ctx, project, res.group)
		return convertTags(g.Tags, fromGroupTag), err
	}
	g, err := a.groups.Retag(ctx, project, res.group, func(cur []store.ResourceTag) ([]store.ResourceTag, error) {
		next, err := fn(convertTags(cur, fromGroupTag))
		return convertTags(next, toGroupTag), err
	})
	out = convertTags(g.Tags, fromGroupTag)
	return out, err
}

func convertTags[F, T any](in []F, conv func(F) T) []T {
	out := make([]T, len(in))
	for i, t := range in {
		out[i] = conv(t)
	}
	return out
}

func fromRuleTag(t xraysampling.Tag) tagJSON   { return tagJSON(t) }
func toRuleTag(t tagJSON) xraysampling.Tag     { return xraysampling.Tag(t) }
func fromGroupTag(t store.ResourceTag) tagJSON { return tagJSON(t) }
func toGroupTag(t tagJSON) store.ResourceTag   { return store.ResourceTag(t) }

func (a *TagsAPI) tag(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ResourceARN *string
		Tags        *[]tagJSON
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	res, err := resourceOf(in.ResourceARN)
	if err == nil {
		err = checkNewTags(in.Tags)
	}
	if err == nil {
		_, err = a.retag(r.Context(), a.project(r), res, func(cur []tagJSON) ([]tagJSON, error) {
			for _, t := range *in.Tags {
				i := indexOfTag(cur, t.Key)
				if i < 0 {
					cur = append(cur, t)
				} else {
					cur[i].Value = t.Value
				}
			}
			if len(cur) > maxTags {
				return nil, &restjson.Error{Status: http.StatusBadRequest, Code: "TooManyTagsException", Message: fmt.Sprintf("%s would have %d tags; at most %d", res.arn, len(cur), maxTags)}
			}
			return cur, nil
		})
	}
	a.answer(w, r, "TagResource", err, struct{}{})
}

func (a *TagsAPI) untag(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ResourceARN *string
		TagKeys     *[]string
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	res, err := resourceOf(in.ResourceARN)
	if err == nil {
		err = checkTagKeys(in.TagKeys)
	}
	if err == nil {
		_, err = a.retag(r.Context(), a.project(r), res, func(cur []tagJSON) ([]tagJSON, error) {
			out := cur[:0]
			for _, t := range cur {
				if !strings.HasPrefix(t.Key, "aws:") && containsKey(*in.TagKeys, t.Key) {
					continue
				}
				out = append(out, t)
			}
			return out, nil
		})
	}
	a.answer(w, r, "UntagResource", err, struct{}{})
}

func (a *TagsAPI) list(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ResourceARN *string
		NextToken   *string
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	res, err := resourceOf(in.ResourceARN)
	var tags []tagJSON
	if err == nil {
		tags, err = a.current(r.Context(), a.project(r), res)
	}
	if tags == nil {
		tags = []tagJSON{}
	}
	a.answer(w, r, "ListTagsForResource", err, map[string]any{"Tags": tags})
}

// current returns the tags of res without changing them.
func (a *TagsAPI) current(ctx context.Context, project string, res resource) ([]tagJSON, error) {
	if res.rule == "" {
		return a.retag(ctx, project, res, nil)
	}
	recs, err := a.rules.Rules(ctx, project)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if rec.Rule.RuleName == res.rule {
			return convertTags(rec.Tags, fromRuleTag), nil
		}
	}
	return nil, fmt.Errorf("sampling rule %q: %w", res.rule, xraysampling.ErrNoRule)
}

// answer writes out, or err in X-Ray's shape: a resource that is not there
// is ResourceNotFoundException (404).
func (a *TagsAPI) answer(w http.ResponseWriter, r *http.Request, op string, err error, out any) {
	var ae *restjson.Error
	var ge *xraygroups.Error
	switch {
	case err == nil:
		restjson.Write(w, out)
	case errors.As(err, &ae):
		ae.Write(w)
	case errors.Is(err, xraysampling.ErrNoRule), errors.Is(err, xraygroups.ErrNoGroup):
		restjson.WriteError(w, http.StatusNotFound, "ResourceNotFoundException", err.Error())
	case errors.As(err, &ge):
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", ge.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
	default:
		a.log.Error("x-ray tags api", "op", op, "err", err)
		restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
	}
}

// checkNewTags checks TagResource's Tags as the model and X-Ray's
// documentation constrain them.
func checkNewTags(tags *[]tagJSON) error {
	if tags == nil {
		return restjson.Invalidf("Tags is required")
	}
	if len(*tags) > maxTagKeys {
		return restjson.Invalidf("Tags: at most %d, not %d", maxTagKeys, len(*tags))
	}
	for i, t := range *tags {
		switch n := utf8.RuneCountInString(t.Key); {
		case n < 1 || n > tagKeyMaxLen:
			return restjson.Invalidf("Tags[%d].Key must be 1 to %d characters long, not %d", i, tagKeyMaxLen, n)
		case utf8.RuneCountInString(t.Value) > tagValueMaxLn:
			return restjson.Invalidf("Tags[%d].Value must be at most %d characters long", i, tagValueMaxLn)
		case !tagChars(t.Key) || !tagChars(t.Value):
			return restjson.Invalidf("Tags[%d] %q=%q: only letters, digits, spaces and _ . : / = + - @", i, t.Key, t.Value)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return restjson.Invalidf("Tags[%d].Key %q: the prefix aws: is reserved", i, t.Key)
		}
	}
	return nil
}

func checkTagKeys(keys *[]string) error {
	if keys == nil {
		return restjson.Invalidf("TagKeys is required")
	}
	if len(*keys) > maxTagKeys {
		return restjson.Invalidf("TagKeys: at most %d, not %d", maxTagKeys, len(*keys))
	}
	for i, k := range *keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > tagKeyMaxLen {
			return restjson.Invalidf("TagKeys[%d] must be 1 to %d characters long, not %d", i, tagKeyMaxLen, n)
		}
	}
	return nil
}

func tagChars(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Z, r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

func indexOfTag(tags []tagJSON, key string) int {
	for i, t := range tags {
		if t.Key == key {
			return i
		}
	}
	return -1
}

func containsKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}
