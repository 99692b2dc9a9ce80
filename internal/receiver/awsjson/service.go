// Package awsjson speaks AWS's JSON 1.1 protocol, the one of the CloudWatch
// Logs API: every call is POST / with X-Amz-Target: <prefix>.<Operation>
// and a JSON body; the answer is JSON with Content-Type
// application/x-amz-json-1.1, an error {"__type", "message"} with
// X-Amzn-ErrorType. Service dispatches calls to operations, Auth tells
// which project and region a call is served in (SigV4 access keys), and
// Classify maps errors to the shapes the SDKs raise as typed exceptions. A
// receiver built on it only declares its operations and their errors.
package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"lookout/internal/awsmodel"
	"lookout/internal/receiver/restjson"
)

// ContentType is the media type of every request and answer body.
const ContentType = "application/x-amz-json-1.1"

// Operation runs one call of an authenticated caller on its request body
// and returns the output to encode (nil: {}).
type Operation func(ctx context.Context, c Caller, body []byte) (any, error)

// Service serves one AWS JSON 1.1 API. Set every field but Logger; it is
// safe for concurrent use once serving.
type Service struct {
	// Name is the API's name in messages ("CloudWatch Logs").
	Name string
	// TargetPrefix is what X-Amz-Target starts with ("Logs_20140328.").
	TargetPrefix string
	// Operations maps operation names (after the prefix) to their code.
	Operations map[string]Operation
	// Streaming maps the operations that answer with an event stream.
	Streaming map[string]StreamOperation
	// MaxRequestBytes bounds a request body; a larger one gets 413 with
	// ValidationCode.
	MaxRequestBytes int64
	// ValidationCode is the API's code for an invalid request:
	// InvalidParameterException in CloudWatch Logs.
	ValidationCode string
	// Constraints, when set, checks every request body against the API's
	// model before the operation runs: a violation is answered with
	// ValidationCode in AWS's wording.
	Constraints *awsmodel.Validator
	// Authenticate tells who calls, from the request and its body.
	Authenticate func(r *http.Request, body []byte) (Caller, error)
	// Classify maps an operation's error to the client's; internal errors
	// are logged in full.
	Classify func(error) (e *Error, internal bool)
	// Logger receives the internal errors; nil: slog.Default().
	Logger *slog.Logger
}

// ServeHTTP dispatches on X-Amz-Target. A method other than POST gets 405
// InvalidAction; a missing target, another API's target or an operation
// not in Operations gets UnknownOperationException naming it.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", restjson.RequestID())
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		WriteError(w, &Error{"InvalidAction", http.StatusMethodNotAllowed, "the " + s.Name + " API takes POST"})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, s.TargetPrefix)
	op, stream := s.Operations[name], s.Streaming[name]
	if !ok || op == nil && stream == nil {
		WriteError(w, s.unknownOperation(target))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			WriteError(w, &Error{s.ValidationCode, http.StatusRequestEntityTooLarge, "request body exceeds the size limit"})
			return
		}
		WriteError(w, Errorf("SerializationException", "reading request body: %v", err))
		return
	}
	c, err := s.Authenticate(r, body)
	if err == nil && s.Constraints != nil {
		if vs := s.Constraints.Validate(name, body); len(vs) > 0 {
			err = &Error{s.ValidationCode, http.StatusBadRequest, awsmodel.Message(vs)}
		}
	}
	if err == nil && stream != nil {
		var run StreamFunc
		if run, err = stream(r.Context(), c, body); err == nil {
			s.stream(w, r, name, run)
			return
		}
	} else if err == nil {
		var out any
		if out, err = op(r.Context(), c, body); err == nil {
			w.Header().Set("Content-Type", ContentType)
			if out == nil {
				out = struct{}{}
			}
			_ = json.NewEncoder(w).Encode(out)
			return
		}
	}
	e, internal := s.Classify(err)
	if internal {
		s.logger().Error("operation failed", "api", s.Name, "operation", name, "err", err)
	}
	WriteError(w, e)
}

// stream answers with an event stream; a failure once it has begun can
// only end it (and is logged unless the client went).
func (s *Service) stream(w http.ResponseWriter, r *http.Request, name string, run StreamFunc) {
	ew, err := NewEventWriter(w, nil)
	if err == nil {
		err = run(r.Context(), ew)
	}
	if err != nil && r.Context().Err() == nil {
		s.logger().Warn("event stream ended", "api", s.Name, "operation", name, "err", err)
	}
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// unknownOperation names the operation an X-Amz-Target header asks for and
// says it is not supported, or says that the header is missing.
func (s *Service) unknownOperation(target string) *Error {
	if target == "" {
		return Errorf("UnknownOperationException",
			"no operation named: the X-Amz-Target header is missing (%s takes %s<Operation>)", s.Name, s.TargetPrefix)
	}
	return Errorf("UnknownOperationException", "operation %q is not supported by this server's %s API", target, s.Name)
}

// Decode reads a request body (empty means {}) into v; a body that is not
// JSON, or a member of the wrong type, is SerializationException naming
// what was wrong.
func Decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Errorf("SerializationException", "field %s: expected %s, got a JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return Errorf("SerializationException", "request body is not valid JSON: %v", err)
	}
	return nil
}
