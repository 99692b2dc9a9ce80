package xraygroups

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const arnPrefix = "arn:aws:xray:us-east-1:000000000000:group/"

// newService opens a service over a fresh metadata store; group ids are
// ID1, ID2, ... in order of creation.
func newService(t *testing.T, maxGroups int) *Service {
	t.Helper()
	st, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := DefaultConfig()
	cfg.MaxGroups = maxGroups
	n := 0
	cfg.NewID = func() string { n++; return fmt.Sprint("ID", n) }
	s, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// wantErr checks err against want: "" for none, else a part of the
// message; reason, when set, must be wrapped.
func wantErr(t *testing.T, label string, err error, want string, reason error) {
	t.Helper()
	var ge *Error
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v", label, err)
	case want == "":
	case !errors.As(err, &ge) || !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %v, want an *Error with %q", label, err, want)
	case reason != nil && !errors.Is(err, reason):
		t.Errorf("%s: %v is not %v", label, err, reason)
	}
}

func TestCreateValidation(t *testing.T) {
	tags := func(n int) []store.ResourceTag {
		out := make([]store.ResourceTag, n)
		for i := range out {
			out[i] = store.ResourceTag{Key: fmt.Sprint("k", i), Value: "v"}
		}
		return out
	}
	cases := []struct {
		name   string
		in     Create
		err    string
		reason error
	}{
		{name: "minimal", in: Create{Name: ptr("a")}},
		{name: "everything", in: Create{Name: ptr(strings.Repeat("x", 32)), FilterExpression: ptr(`service("api") { fault }`),
			Insights: &Insights{InsightsEnabled: ptr(true), NotificationsEnabled: ptr(true)},
			Tags:     []store.ResourceTag{{Key: "team é", Value: "web/api:1 + @x"}, {Key: "env", Value: ""}}}},
		{name: "blank filter", in: Create{Name: ptr("blank"), FilterExpression: ptr("  ")}},
		{name: "no name", in: Create{}, err: "GroupName is required"},
		{name: "empty name", in: Create{Name: ptr("")}, err: "GroupName must be 1 to 32 characters long, not 0"},
		{name: "long name", in: Create{Name: ptr(strings.Repeat("é", 33))}, err: "GroupName must be 1 to 32 characters long, not 33"},
		{name: "control character", in: Create{Name: ptr("a\x00b")}, err: `GroupName "a\x00b" must not contain control characters`},
		{name: "Default", in: Create{Name: ptr("Default")}, err: `GroupName "Default" is reserved`, reason: ErrGroupExists},
		{name: "taken", in: Create{Name: ptr("a")}, err: `GroupName "a": a group of that name already exists`, reason: ErrGroupExists},
		{name: "bad filter", in: Create{Name: ptr("b"), FilterExpression: ptr("responsetime >")},
			err: "FilterExpression: invalid filter expression: position 15: expected a value"},
		{name: "filter naming a group", in: Create{Name: ptr("b"), FilterExpression: ptr(`fault AND group.name = "a"`)},
			err: "FilterExpression: a group's filter expression cannot use group.name or group.arn"},
		{name: "notifications without insights", in: Create{Name: ptr("b"), Insights: &Insights{NotificationsEnabled: ptr(true)}},
			err: "InsightsConfiguration: NotificationsEnabled can be true only with InsightsEnabled true"},
		{name: "51 tags", in: Create{Name: ptr("b"), Tags: tags(51)}, err: "Tags: at most 50 tags, not 51"},
		{name: "empty tag key", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: ""}}}, err: "Tags[0].Key must be 1 to 128 characters long, not 0"},
		{name: "long tag value", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: "k", Value: strings.Repeat("v", 257)}}},
			err: "Tags[0].Value must be at most 256 characters long"},
		{name: "tag key character", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: "bad!key", Value: "v"}}},
			err: `Tags[0].Key "bad!key": only letters, digits, spaces and _ . : / = + - @`},
		{name: "tag value character", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: "k", Value: "a;b"}}},
			err: `Tags[0].Value "a;b": only letters`},
		{name: "aws: prefix", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: "AWS:x", Value: "v"}}},
			err: `Tags[0].Key "AWS:x": the prefix aws: is reserved`},
		{name: "repeated key", in: Create{Name: ptr("b"), Tags: []store.ResourceTag{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}},
			err: `Tags[1].Key "k" is repeated`},
	}
	s := newService(t, 25)
	ctx := context.Background()
	for _, tc := range cases {
		g, err := s.Create(ctx, "p", tc.in)
		wantErr(t, tc.name, err, tc.err, tc.reason)
		if err != nil || tc.err != "" {
			continue
		}
		got, err := s.Get(ctx, "p", Ref{Name: tc.in.Name})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(g) || g.Name != *tc.in.Name ||
			!strings.HasPrefix(g.ARN, arnPrefix+g.Name+"/ID") {
			t.Errorf("%s: created %+v, read back %+v, %v", tc.name, g, got, err)
		}
	}
	list, err := s.List(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range list {
		names = append(names, g.Name)
	}
	if want := []string{"Default", "a", "blank", strings.Repeat("x", 32)}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("groups %q, want %q", names, want)
	}
}

func TestRefs(t *testing.T) {
	s := newService(t, 25)
	ctx := context.Background()
	if _, err := s.Create(ctx, "p", Create{Name: ptr("api"), FilterExpression: ptr(`service("api")`)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		ref    Ref
		want   string // the group's ARN
		err    string
		reason error
	}{
		{name: "by name", ref: Ref{Name: ptr("api")}, want: arnPrefix + "api/ID1"},
		{name: "by ARN", ref: Ref{ARN: ptr(arnPrefix + "api/ID1")}, want: arnPrefix + "api/ID1"},
		{name: "both", ref: Ref{Name: ptr("api"), ARN: ptr(arnPrefix + "api/ID1")}, want: arnPrefix + "api/ID1"},
		{name: "another region's ARN", ref: Ref{ARN: ptr("arn:aws:xray:eu-west-1:123456789012:group/api/ID1")}, want: arnPrefix + "api/ID1"},
		{name: "Default by name", ref: Ref{Name: ptr("Default")}, want: arnPrefix + "Default"},
		{name: "Default by ARN", ref: Ref{ARN: ptr(arnPrefix + "Default")}, want: arnPrefix + "Default"},
		{name: "neither", ref: Ref{}, err: "GroupName or GroupARN is required"},
		{name: "unknown name", ref: Ref{Name: ptr("web")}, err: `GroupName "web": no such group`, reason: ErrNoGroup},
		{name: "stale id", ref: Ref{ARN: ptr(arnPrefix + "api/ID0")}, err: `GroupARN "` + arnPrefix + `api/ID0": no such group`, reason: ErrNoGroup},
		{name: "no id", ref: Ref{ARN: ptr(arnPrefix + "api")}, err: "no such group", reason: ErrNoGroup},
		{name: "disagree", ref: Ref{Name: ptr("web"), ARN: ptr(arnPrefix + "api/ID1")}, err: "name different groups"},
		{name: "not an ARN", ref: Ref{ARN: ptr("api")}, err: `GroupARN "api" is not a group ARN`},
		{name: "a rule's ARN", ref: Ref{ARN: ptr("arn:aws:xray:us-east-1:0:sampling-rule/api")}, err: "is not a group ARN"},
		{name: "long ARN", ref: Ref{ARN: ptr(arnPrefix + strings.Repeat("x", 400))}, err: "GroupARN must be 1 to 400 characters long, not 442"},
		{name: "long name in ARN", ref: Ref{ARN: ptr(arnPrefix + strings.Repeat("x", 33) + "/ID1")},
			err: "the group name in GroupARN must be 1 to 32 characters long, not 33"},
		{name: "long name", ref: Ref{Name: ptr(strings.Repeat("x", 33))}, err: "GroupName must be 1 to 32 characters long"},
	}
	for _, tc := range cases {
		g, err := s.Get(ctx, "p", tc.ref)
		wantErr(t, tc.name, err, tc.err, tc.reason)
		if err == nil && g.ARN != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, g.ARN, tc.want)
		}
		if _, err := s.Get(ctx, "other", tc.ref); tc.want != "" && !strings.Contains(tc.want, "Default") && !errors.Is(err, ErrNoGroup) {
			t.Errorf("%s in another project: %v, want ErrNoGroup", tc.name, err)
		}
	}
}
