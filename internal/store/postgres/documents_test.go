package postgres

import (
	"context"
	"errors"
	"testing"

	"lookout/internal/store"
)

// TestDocumentVersions walks one document through the version checks of
// PutDocument and DeleteDocument.
func TestDocumentVersions(t *testing.T) {
	steps := []struct {
		name      string
		put       string // body to put; "" deletes
		ifVersion int64
		want      error
		version   int64 // stored version afterwards (0: none)
	}{
		{"update of nothing", `{"v":0}`, 1, store.ErrNotFound, 0},
		{"delete of nothing", "", store.AnyVersion, store.ErrNotFound, 0},
		{"delete of nothing at a version", "", 4, store.ErrNotFound, 0},
		{"create", `{"v":1}`, 0, nil, 1},
		{"create again", `{"v":1}`, 0, store.ErrExists, 1},
		{"update from a stale version", `{"v":2}`, 7, store.ErrVersionConflict, 1},
		{"update", `{"v":2}`, 1, nil, 2},
		{"upsert", `{"v":3}`, store.AnyVersion, nil, 3},
		{"delete a stale version", "", 2, store.ErrVersionConflict, 3},
		{"delete", "", 3, nil, 0},
		{"upsert creates", `{"v":1}`, store.AnyVersion, nil, 1},
		{"delete any version", "", store.AnyVersion, nil, 0},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		for _, st := range steps {
			var err error
			if st.put == "" {
				err = s.DeleteDocument(ctx, "p", "k", "a", st.ifVersion)
			} else {
				var got store.Document
				got, err = s.PutDocument(ctx, store.Document{Project: "p", Kind: "k", Name: "a", Body: []byte(st.put)}, st.ifVersion)
				if err == nil && (got.Version != st.version || got.UpdatedAt.IsZero() || string(got.Body) != st.put) {
					t.Errorf("%s: put returned %+v, want version %d", st.name, got, st.version)
				}
			}
			if !errors.Is(err, st.want) || (st.want == nil) != (err == nil) {
				t.Errorf("%s: err %v, want %v", st.name, err, st.want)
			}
			got, err := s.Document(ctx, "p", "k", "a")
			switch {
			case st.version == 0 && !errors.Is(err, store.ErrNotFound):
				t.Errorf("%s: read %+v, %v; want not found", st.name, got, err)
			case st.version != 0 && (err != nil || got.Version != st.version):
				t.Errorf("%s: read version %d (%v), want %d", st.name, got.Version, err, st.version)
			}
		}
	})
}

// TestDocumentsSurviveReopen: documents are listed per project and kind, by
// name, with their bodies exactly as put, and are there after the store is
// closed and opened again.
func TestDocumentsSurviveReopen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.fresh(t)
		s := b.open(t, loc)
		for _, d := range []store.Document{
			{Project: "p", Kind: "rule", Name: "b", Body: []byte(`{"n": "b",  "x":[1, 2]}`)},
			{Project: "p", Kind: "rule", Name: "a", Body: []byte(`{"n":"a"}`)},
			{Project: "p", Kind: "rule", Name: "B", Body: []byte(`{}`)},
			{Project: "p", Kind: "group", Name: "a", Body: []byte(`{}`)},
			{Project: "q", Kind: "rule", Name: "a", Body: []byte(`{}`)},
		} {
			if _, err := s.PutDocument(ctx, d, 0); err != nil {
				t.Fatal(err)
			}
		}
		bad := []store.Document{
			{Project: "p", Kind: "rule", Name: "c", Body: []byte(`{`)},
			{Project: "p", Kind: "rule", Body: []byte(`{}`)},
			{Kind: "rule", Name: "c", Body: []byte(`{}`)},
		}
		for _, d := range bad {
			if _, err := s.PutDocument(ctx, d, 0); err == nil {
				t.Errorf("%+v was stored", d)
			}
		}
		s.Close()
		s = b.open(t, loc)
		defer s.Close()
		docs, err := s.Documents(ctx, "p", "rule")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range docs {
			names = append(names, d.Name)
		}
		if len(docs) != 3 || names[0] != "B" || names[1] != "a" || names[2] != "b" ||
			string(docs[2].Body) != `{"n": "b",  "x":[1, 2]}` || docs[2].Version != 1 || docs[2].Project != "p" || docs[2].Kind != "rule" {
			t.Errorf("documents after reopen (byte order of names, bodies as put): %+v", docs)
		}
		if docs, err := s.Documents(ctx, "p", "none"); err != nil || len(docs) != 0 {
			t.Errorf("documents of an unknown kind: %+v, %v", docs, err)
		}
	})
}
