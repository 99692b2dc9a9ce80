package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"lookout/internal/pipeline"
)

// testService serves Echo (the decoded body back), Fail (the error its
// body names) and Nothing (a nil output) to loopback callers.
func testService() *Service {
	fails := map[string]error{
		"api":        Errorf("ResourceNotFoundException", "no such thing"),
		"overloaded": fmt.Errorf("submit: %w", pipeline.ErrOverloaded),
		"known":      errors.New("known to the backend"),
		"internal":   errors.New("disk on fire"),
	}
	return &Service{
		Name: "Test", TargetPrefix: "Test_2024.", MaxRequestBytes: 64, ValidationCode: "ValidationException",
		Authenticate: Auth{Region: "us-east-1", API: "the Test API"}.Authenticate,
		Classify: func(err error) (*Error, bool) {
			return Classify(err, func(err error) *Error {
				if err == fails["known"] {
					return Errorf("LimitExceededException", "%v", err)
				}
				return nil
			})
		},
		Logger: slog.New(slog.DiscardHandler),
		Operations: map[string]Operation{
			"Echo": func(_ context.Context, c Caller, body []byte) (any, error) {
				var in map[string]any
				if err := Decode(body, &in); err != nil {
					return nil, err
				}
				return map[string]any{"in": in, "project": c.Project, "region": c.Region}, nil
			},
			"Fail": func(_ context.Context, _ Caller, body []byte) (any, error) {
				return nil, fails[strings.Trim(string(body), `"`)]
			},
			"Nothing": func(context.Context, Caller, []byte) (any, error) { return nil, nil },
		},
	}
}

func TestServiceScenarios(t *testing.T) {
	s := testService()
	for _, c := range []struct {
		name, method, target, body, remote string
		status                             int
		errType                            string // "" for success
		contains                           string
	}{
		{"echo", "POST", "Test_2024.Echo", `{"a":1}`, "", 200, "", `"in":{"a":1}`},
		{"empty body is {}", "POST", "Test_2024.Echo", ``, "", 200, "", `"project":"default"`},
		{"nil output is {}", "POST", "Test_2024.Nothing", ``, "", 200, "", `{}`},
		{"GET", "GET", "Test_2024.Echo", ``, "", 405, "InvalidAction", "the Test API takes POST"},
		{"no target", "POST", "", `{}`, "", 400, "UnknownOperationException", "X-Amz-Target header is missing (Test takes Test_2024."},
		{"unknown operation", "POST", "Test_2024.Frobnicate", `{}`, "", 400, "UnknownOperationException", `operation \"Test_2024.Frobnicate\" is not supported by this server's Test API`},
		{"another API", "POST", "Logs_20140328.Echo", `{}`, "", 400, "UnknownOperationException", "not supported"},
		{"too large", "POST", "Test_2024.Echo", `{"a":"` + strings.Repeat("x", 80) + `"}`, "", 413, "ValidationException", "size limit"},
		{"not JSON", "POST", "Test_2024.Echo", `{"a":`, "", 400, "SerializationException", "not valid JSON"},
		{"wrong type", "POST", "Test_2024.Echo", `[1]`, "", 400, "SerializationException", "expected map[string]interface {}"},
		{"remote without keys", "POST", "Test_2024.Echo", `{}`, "203.0.113.9:5000", 400, "AccessDeniedException", "the Test API only to loopback"},
		{"API error", "POST", "Test_2024.Fail", `"api"`, "", 400, "ResourceNotFoundException", "no such thing"},
		{"overloaded", "POST", "Test_2024.Fail", `"overloaded"`, "", 400, "ThrottlingException", "Rate exceeded"},
		{"known", "POST", "Test_2024.Fail", `"known"`, "", 400, "LimitExceededException", "known to the backend"},
		{"internal", "POST", "Test_2024.Fail", `"internal"`, "", 500, "ServiceUnavailableException", "internal error, retry later"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, "/", strings.NewReader(c.body))
			if c.target != "" {
				r.Header.Set("X-Amz-Target", c.target)
			}
			if c.remote != "" {
				r.RemoteAddr = c.remote
			} else {
				r.RemoteAddr = "127.0.0.1:5000"
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			body, _ := io.ReadAll(w.Body)
			var got struct {
				Type string `json:"__type"`
			}
			_ = json.Unmarshal(body, &got)
			if w.Code != c.status || got.Type != c.errType || !strings.Contains(string(body), c.contains) {
				t.Fatalf("%d %s, want %d %q with %q", w.Code, body, c.status, c.errType, c.contains)
			}
			if w.Header().Get("x-amzn-RequestId") == "" || w.Header().Get("Content-Type") != ContentType {
				t.Errorf("headers %v: want a request id and %s", w.Header(), ContentType)
			}
			if c.errType != "" && w.Header().Get("X-Amzn-ErrorType") != c.errType {
				t.Errorf("X-Amzn-ErrorType %q, want %q", w.Header().Get("X-Amzn-ErrorType"), c.errType)
			}
		})
	}
}
