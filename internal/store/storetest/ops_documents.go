package storetest

import (
	"encoding/json"
	"fmt"
	"time"

	"lookout/internal/store"
)

// Steps on store.Documents. A document's Body is written and answered as
// JSON in place (not base64), so it compares as JSON.

type document struct {
	Project, Kind, Name string
	Version             int64
	Body                json.RawMessage
	UpdatedAt           time.Time
}

func documentOf(d store.Document) (document, error) {
	if len(d.Body) > 0 && !json.Valid(d.Body) {
		return document{}, fmt.Errorf("document %s/%q: stored body %q is not JSON", d.Kind, d.Name, d.Body)
	}
	var body json.RawMessage
	if len(d.Body) > 0 {
		body = json.RawMessage(d.Body)
	}
	return document{Project: d.Project, Kind: d.Kind, Name: d.Name, Version: d.Version,
		Body: body, UpdatedAt: d.UpdatedAt}, nil
}

type documentKey struct {
	Project, Kind, Name string
}

func init() {
	register(map[string]op{
		"PutDocument": metaOp(func(e *env, in struct {
			Doc       document
			IfVersion int64
		}) (any, error) {
			d := store.Document{Project: in.Doc.Project, Kind: in.Doc.Kind, Name: in.Doc.Name,
				Version: in.Doc.Version, Body: in.Doc.Body, UpdatedAt: in.Doc.UpdatedAt}
			got, err := e.meta.PutDocument(e.ctx, d, in.IfVersion)
			if err != nil {
				return nil, err
			}
			return documentOf(got)
		}),
		"Document": metaOp(func(e *env, k documentKey) (any, error) {
			d, err := e.meta.Document(e.ctx, k.Project, k.Kind, k.Name)
			if err != nil {
				return nil, err
			}
			return documentOf(d)
		}),
		"Documents": metaOp(func(e *env, in struct{ Project, Kind string }) (any, error) {
			ds, err := e.meta.Documents(e.ctx, in.Project, in.Kind)
			if err != nil {
				return nil, err
			}
			out := make([]document, len(ds))
			for i, d := range ds {
				if out[i], err = documentOf(d); err != nil {
					return nil, err
				}
			}
			return out, nil
		}),
		"DeleteDocument": metaOp(func(e *env, in struct {
			Project, Kind, Name string
			IfVersion           int64
		}) (any, error) {
			return nil, e.meta.DeleteDocument(e.ctx, in.Project, in.Kind, in.Name, in.IfVersion)
		}),
	})
}
