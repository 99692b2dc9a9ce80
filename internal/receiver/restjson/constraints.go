package restjson

import (
	"bytes"
	"io"
	"net/http"

	"lookout/internal/awsmodel"
)

// Constrained checks the body of every call to one of m's operations (told
// by its path) against the model's constraints before next runs: a
// violation is answered 400 InvalidRequestException in AWS's wording ("1
// validation error detected: Value ... at 'GroupName' failed to satisfy
// constraint: ..."). Operations in skip (bulk ingest, whose handler checks
// each document), requests served reports false for (operations not
// served, which next answers as such) and bodies over MaxBody go to next
// unchecked.
func Constrained(m *awsmodel.Model, skip []string, served func(*http.Request) bool, next http.Handler) (http.Handler, error) {
	v, err := awsmodel.NewValidator(m)
	if err != nil {
		return nil, err
	}
	ops := map[string]string{}
	for _, op := range m.Operations {
		ops[op.Path] = op.Name
	}
	for _, s := range skip {
		for p, name := range ops {
			if name == s {
				delete(ops, p)
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := ops[r.URL.Path]
		if !ok || r.Method != http.MethodPost || !served(r) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			WriteError(w, http.StatusBadRequest, "InvalidRequestException", "reading request body: "+err.Error())
			return
		}
		if len(body) <= MaxBody {
			if vs := v.Validate(op, body); len(vs) > 0 {
				WriteError(w, http.StatusBadRequest, "InvalidRequestException", awsmodel.Message(vs))
				return
			}
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		next.ServeHTTP(w, r)
	}), nil
}
