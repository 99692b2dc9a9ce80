package querydefs

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"lookout/internal/store/metaduck"
)

func newService(t *testing.T) *Service {
	t.Helper()
	meta, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	return New(meta, func() time.Time { return time.UnixMilli(1_700_000_000_000) })
}

func TestService(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	a, err := s.Put(ctx, "p", Definition{Name: "b", QueryString: "q1", ClientToken: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		project string
		d       Definition
		wantID  string // "" : any new id
		wantErr error
	}{
		{"same token, same definition", "p", Definition{Name: "b", QueryString: "other", ClientToken: "t1"}, a, nil},
		{"other project", "q", Definition{Name: "b", QueryString: "q1", ClientToken: "t1"}, "", nil},
		{"update", "p", Definition{ID: a, Name: "a", QueryString: "q2"}, a, nil},
		{"update unknown", "p", Definition{ID: "nope", Name: "a", QueryString: "q"}, "", ErrNotFound},
		{"second", "p", Definition{Name: "c", QueryString: "q3"}, "", nil},
	}
	for _, st := range steps {
		id, err := s.Put(ctx, st.project, st.d)
		if !errors.Is(err, st.wantErr) || err == nil && (id == "" || st.wantID != "" && id != st.wantID || st.wantID == "" && id == a) {
			t.Errorf("%s: id %q err %v", st.name, id, err)
		}
	}
	all, err := s.List(ctx, "p")
	if err != nil || len(all) != 2 || all[0].Name != "a" || all[0].QueryString != "q2" || all[0].ClientToken != "t1" ||
		all[0].LastModifiedMs != 1_700_000_000_000 || all[1].Name != "c" {
		t.Fatalf("List = %+v, %v", all, err)
	}
	if err := s.Delete(ctx, "p", a); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "p", a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestLimit(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	s.max = 3
	for i := range s.max {
		if _, err := s.Put(ctx, "p", Definition{Name: "q", QueryString: "x"}); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	if _, err := s.Put(ctx, "p", Definition{Name: "q", QueryString: "x"}); !errors.Is(err, ErrTooMany) {
		t.Fatalf("put over the limit: %v", err)
	}
}

// TestKinds: each kind is its own list, so the UI's saved queries never
// show among CloudWatch's query definitions, nor the other way round.
func TestKinds(t *testing.T) {
	ctx := context.Background()
	cw := newService(t)
	ui := NewOfKind(cw.docs, UIKind, nil)
	if _, err := cw.Put(ctx, "p", Definition{Name: "insights", QueryString: "fields @message"}); err != nil {
		t.Fatal(err)
	}
	id, err := ui.Put(ctx, "p", Definition{Name: "slow checkout", QueryString: "query?calcs=COUNT"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    *Service
		want string
	}{{cw, "insights"}, {ui, "slow checkout"}} {
		all, err := c.s.List(ctx, "p")
		if err != nil || len(all) != 1 || all[0].Name != c.want {
			t.Errorf("%s: List = %+v, %v; want only %q", c.s.kind, all, err, c.want)
		}
	}
	if err := cw.Delete(ctx, "p", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a UI query as a CloudWatch definition: %v, want ErrNotFound", err)
	}
}
