package cwlogs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"lookout/internal/logsearch"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// TestAsAPIError checks the one place where errors of the backends become
// the API's error types.
func TestAsAPIError(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		code     string
		status   int
		msg      string // "" to skip
		internal bool
	}{
		{"api error as is", errGroupNotFound, "ResourceNotFoundException", 400, "The specified log group does not exist.", false},
		{"overloaded", fmt.Errorf("submit: %w", pipeline.ErrOverloaded), "ThrottlingException", 400, "", false},
		{"cancelled", context.Canceled, "ServiceUnavailableException", 503, "request cancelled or timed out", false},
		{"too many queries", fmt.Errorf("%w (at most 30)", logsearch.ErrTooManyQueries), "LimitExceededException", 400,
			"too many concurrent queries (at most 30)", false},
		{"unknown query", logsearch.ErrQueryNotFound, "ResourceNotFoundException", 400, "Query does not exist.", false},
		{"store not found", fmt.Errorf("log group %q: %w", "g", store.ErrNotFound), "ResourceNotFoundException", 400, "", false},
		{"store exists", fmt.Errorf("x: %w", store.ErrExists), "ResourceAlreadyExistsException", 400, "", false},
		{"anything else", errors.New("disk on fire"), "ServiceUnavailableException", http.StatusInternalServerError, "internal error, retry later", true},
	} {
		e, internal := asAPIError(c.err)
		if e.Code != c.code || e.Status != c.status || (c.msg != "" && e.Message != c.msg) || internal != c.internal {
			t.Errorf("%s: %s %d %q internal=%v, want %s %d %q internal=%v", c.name, e.Code, e.Status, e.Message, internal,
				c.code, c.status, c.msg, c.internal)
		}
	}
}
