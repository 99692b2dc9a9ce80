package configapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"lookout/internal/store"
	"lookout/internal/xraygroups"
	"lookout/internal/xraysampling"
)

// fakeTaggers keeps one rule ("r") and one group ("g", id "ID") with tags.
type fakeTaggers struct {
	rule  []xraysampling.Tag
	group []store.ResourceTag
}

func (f *fakeTaggers) Rules(context.Context, string) ([]xraysampling.Record, error) {
	return []xraysampling.Record{{Rule: xraysampling.Rule{RuleName: "r"}, Tags: f.rule}}, nil
}

func (f *fakeTaggers) RetagRule(_ context.Context, _, name string, fn func([]xraysampling.Tag) ([]xraysampling.Tag, error)) (xraysampling.Record, error) {
	if name != "r" {
		return xraysampling.Record{}, fmt.Errorf("sampling rule %q: %w", name, xraysampling.ErrNoRule)
	}
	tags, err := fn(append([]xraysampling.Tag(nil), f.rule...))
	if err == nil {
		f.rule = tags
	}
	return xraysampling.Record{Tags: f.rule}, err
}

func (f *fakeTaggers) Get(_ context.Context, _ string, ref xraygroups.Ref) (xraygroups.Group, error) {
	if !strings.HasSuffix(*ref.ARN, ":group/g/ID") {
		return xraygroups.Group{}, &xraygroups.Error{Msg: "no such group", Err: xraygroups.ErrNoGroup}
	}
	return xraygroups.Group{Tags: f.group}, nil
}

func (f *fakeTaggers) Retag(ctx context.Context, p string, ref xraygroups.Ref, fn func([]store.ResourceTag) ([]store.ResourceTag, error)) (xraygroups.Group, error) {
	if _, err := f.Get(ctx, p, ref); err != nil {
		return xraygroups.Group{}, err
	}
	tags, err := fn(append([]store.ResourceTag(nil), f.group...))
	if err == nil {
		f.group = tags
	}
	return xraygroups.Group{Tags: f.group}, err
}

// TestTagOperations: each operation's answer, or its error code and
// message, for valid and invalid requests, in order on one rule and one
// group.
func TestTagOperations(t *testing.T) {
	f := &fakeTaggers{rule: []xraysampling.Tag{{Key: "team", Value: "a"}}}
	api, err := NewTagsAPI(f, f, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	const rule, group = `"arn:aws:xray:us-east-1:000000000000:sampling-rule/r"`, `"arn:aws:xray:us-east-1:000000000000:group/g/ID"`
	var fifty []string
	for i := range 50 {
		fifty = append(fifty, fmt.Sprintf(`{"Key":"k%d","Value":""}`, i))
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		code, contains   string
	}{
		{"list rule", ListTagsForResourcePath, `{"ResourceARN":` + rule + `}`, 200, "", `{"Tags":[{"Key":"team","Value":"a"}]}`},
		{"tag rule", TagResourcePath, `{"ResourceARN":` + rule + `,"Tags":[{"Key":"team","Value":"b"},{"Key":"env","Value":"prod"}]}`, 200, "", `{}`},
		{"list rule after", ListTagsForResourcePath, `{"ResourceARN":` + rule + `}`, 200, "", `[{"Key":"team","Value":"b"},{"Key":"env","Value":"prod"}]`},
		{"untag rule", UntagResourcePath, `{"ResourceARN":` + rule + `,"TagKeys":["team"]}`, 200, "", `{}`},
		{"list rule untagged", ListTagsForResourcePath, `{"ResourceARN":` + rule + `}`, 200, "", `{"Tags":[{"Key":"env","Value":"prod"}]}`},
		{"list group", ListTagsForResourcePath, `{"ResourceARN":` + group + `}`, 200, "", `{"Tags":[]}`},
		{"tag group", TagResourcePath, `{"ResourceARN":` + group + `,"Tags":[{"Key":"o","Value":"sre"}]}`, 200, "", `{}`},
		{"list group after", ListTagsForResourcePath, `{"ResourceARN":` + group + `}`, 200, "", `{"Tags":[{"Key":"o","Value":"sre"}]}`},
		{"no arn", TagResourcePath, `{"Tags":[]}`, 400, "InvalidRequestException", "ResourceARN is required"},
		{"no tags", TagResourcePath, `{"ResourceARN":` + rule + `}`, 400, "InvalidRequestException", "Tags is required"},
		{"no keys", UntagResourcePath, `{"ResourceARN":` + rule + `}`, 400, "InvalidRequestException", "TagKeys is required"},
		{"empty key", UntagResourcePath, `{"ResourceARN":` + rule + `,"TagKeys":[""]}`, 400, "InvalidRequestException", "TagKeys[0] must be 1 to 128"},
		{"other service", ListTagsForResourcePath, `{"ResourceARN":"arn:aws:logs:us-east-1:1:log-group:x"}`, 400, "InvalidRequestException", "not the ARN of an X-Ray group or sampling rule"},
		{"long arn", ListTagsForResourcePath, `{"ResourceARN":"` + strings.Repeat("a", 1012) + `"}`, 400, "InvalidRequestException", "1 to 1011 characters"},
		{"unknown rule", TagResourcePath, `{"ResourceARN":"arn:aws:xray:us-east-1:0:sampling-rule/x","Tags":[]}`, 404, "ResourceNotFoundException", "no such sampling rule"},
		{"unknown group", ListTagsForResourcePath, `{"ResourceARN":"arn:aws:xray:us-east-1:0:group/g/OTHER"}`, 404, "ResourceNotFoundException", "no such group"},
		{"long key", TagResourcePath, `{"ResourceARN":` + rule + `,"Tags":[{"Key":"` + strings.Repeat("k", 129) + `","Value":""}]}`, 400, "InvalidRequestException", "Tags[0].Key must be 1 to 128"},
		{"long value", TagResourcePath, `{"ResourceARN":` + rule + `,"Tags":[{"Key":"k","Value":"` + strings.Repeat("v", 257) + `"}]}`, 400, "InvalidRequestException", "Tags[0].Value must be at most 256"},
		{"reserved", TagResourcePath, `{"ResourceARN":` + rule + `,"Tags":[{"Key":"AWS:x","Value":""}]}`, 400, "InvalidRequestException", "prefix aws: is reserved"},
		{"character", TagResourcePath, `{"ResourceARN":` + group + `,"Tags":[{"Key":"a!","Value":""}]}`, 400, "InvalidRequestException", "only letters"},
		{"too many", TagResourcePath, `{"ResourceARN":` + rule + `,"Tags":[` + strings.Join(fifty, ",") + `]}`, 400, "TooManyTagsException", "would have 51 tags"},
		{"wrong type", TagResourcePath, `{"ResourceARN":7}`, 400, "InvalidRequestException", "ResourceARN"},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body)))
		if rec.Code != tc.status || rec.Header().Get("X-Amzn-ErrorType") != tc.code || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%s: %d %s %s, want %d %s %q", tc.name, rec.Code, rec.Header().Get("X-Amzn-ErrorType"), rec.Body, tc.status, tc.code, tc.contains)
		}
	}
}
