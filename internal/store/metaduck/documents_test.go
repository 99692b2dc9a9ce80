package metaduck

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"lookout/internal/store"
)

// TestDocumentVersions walks one document through the version checks of
// PutDocument and DeleteDocument.
func TestDocumentVersions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	doc := func(body string) store.Document {
		return store.Document{Project: "p", Kind: "k", Name: "a", Body: []byte(body)}
	}
	steps := []struct {
		name      string
		put       string // body to put; "" deletes
		ifVersion int64
		want      error
		version   int64 // stored version afterwards (0: none)
	}{
		{"update of nothing", `{"v":0}`, 1, store.ErrNotFound, 0},
		{"delete of nothing", "", store.AnyVersion, store.ErrNotFound, 0},
		{"create", `{"v":1}`, 0, nil, 1},
		{"create again", `{"v":1}`, 0, store.ErrExists, 1},
		{"update from a stale version", `{"v":2}`, 7, store.ErrVersionConflict, 1},
		{"update", `{"v":2}`, 1, nil, 2},
		{"upsert", `{"v":3}`, store.AnyVersion, nil, 3},
		{"delete a stale version", "", 2, store.ErrVersionConflict, 3},
		{"delete", "", 3, nil, 0},
		{"upsert creates", `{"v":1}`, store.AnyVersion, nil, 1},
	}
	for _, st := range steps {
		var err error
		if st.put == "" {
			err = s.DeleteDocument(ctx, "p", "k", "a", st.ifVersion)
		} else {
			var got store.Document
			got, err = s.PutDocument(ctx, doc(st.put), st.ifVersion)
			if err == nil && (got.Version != st.version || got.UpdatedAt.IsZero()) {
				t.Errorf("%s: put returned version %d at %v, want %d", st.name, got.Version, got.UpdatedAt, st.version)
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
}

// TestDocumentsSurviveReopen: documents are listed per project and kind, by
// name, and are there after the database is closed and opened again.
func TestDocumentsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.duckdb")
	s := openTest(t, path)
	for _, d := range []store.Document{
		{Project: "p", Kind: "rule", Name: "b", Body: []byte(`{"n":"b"}`)},
		{Project: "p", Kind: "rule", Name: "a", Body: []byte(`{"n":"a"}`)},
		{Project: "p", Kind: "group", Name: "a", Body: []byte(`{}`)},
		{Project: "q", Kind: "rule", Name: "a", Body: []byte(`{}`)},
	} {
		if _, err := s.PutDocument(ctx, d, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutDocument(ctx, store.Document{Project: "p", Kind: "rule", Name: "c", Body: []byte(`{`)}, 0); err == nil {
		t.Error("a body that is not JSON was stored")
	}
	if _, err := s.PutDocument(ctx, store.Document{Project: "p", Kind: "rule", Body: []byte(`{}`)}, 0); err == nil {
		t.Error("a document without a name was stored")
	}
	s.Close()
	s = openTest(t, path)
	defer s.Close()
	docs, err := s.Documents(ctx, "p", "rule")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Name != "a" || string(docs[0].Body) != `{"n":"a"}` || docs[1].Name != "b" || docs[1].Version != 1 {
		t.Errorf("documents after reopen: %+v", docs)
	}
}

// TestConcurrentDocumentPuts: concurrent upserts of one document each get
// their own version; none is lost.
func TestConcurrentDocumentPuts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	const n = 8
	var wg sync.WaitGroup
	versions := make(chan int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.PutDocument(ctx, store.Document{Project: "p", Kind: "k", Name: "x",
				Body: []byte(fmt.Sprintf(`{"i":%d}`, i))}, store.AnyVersion)
			if err != nil {
				t.Error(err)
				return
			}
			versions <- d.Version
		}()
	}
	wg.Wait()
	close(versions)
	seen := map[int64]bool{}
	for v := range versions {
		if seen[v] {
			t.Errorf("version %d given twice", v)
		}
		seen[v] = true
	}
	if d, err := s.Document(ctx, "p", "k", "x"); err != nil || d.Version != n {
		t.Errorf("final version %d (%v), want %d", d.Version, err, n)
	}
}
