package server

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"lookout/internal/awsmodel"
)

// TestGeneratedValidation derives, from the constraints of the CloudWatch
// Logs and X-Ray models, one input per bounded top-level member of every
// operation a running server answers (a string one character too long or
// too short, a number one past its range, a value outside its enum) and
// checks that each is refused with the service's validation error naming
// that member and the rule in AWS's wording, whatever else the request
// lacks. Members whose violating value would be larger than a request may
// be are left out; PutTraceSegments, whose documents X-Ray checks on its
// own, too.
func TestGeneratedValidation(t *testing.T) {
	r := start(t)
	for _, svc := range []struct {
		model *awsmodel.Model
		code  string
	}{
		{awsmodel.Logs, "InvalidParameterException"},
		{awsmodel.XRay, "InvalidRequestException"},
	} {
		checked := 0
		for _, op := range svc.model.Operations {
			in := svc.model.Shapes[op.Input]
			if in == nil || op.Name == "PutTraceSegments" || !served(t, r, svc.model, op) {
				continue
			}
			for _, m := range in.Members {
				for _, c := range violations(svc.model.Shapes[m.Shape]) {
					body, _ := json.Marshal(map[string]any{m.Name: c.value})
					status, code, msg := call(t, r, svc.model, op, string(body))
					want := "at '" + m.Name + "' failed to satisfy constraint: " + c.rule
					if status != 400 || code != svc.code || !strings.Contains(msg, want) {
						t.Errorf("%s with %s %s: %d %s %q, want 400 %s with %q",
							op.Name, m.Name, c.what, status, code, msg, svc.code, want)
					}
					checked++
				}
			}
		}
		t.Logf("%s: %d inputs derived from the model", svc.model.Name, checked)
		if checked < 30 {
			t.Errorf("%s: only %d inputs derived from the model: its operations or constraints were not found", svc.model.Name, checked)
		}
	}
}

// served tells whether the server answers op at all.
func served(t *testing.T, r *running, m *awsmodel.Model, op awsmodel.Operation) bool {
	_, code, _ := call(t, r, m, op, `{}`)
	return code != "UnknownOperationException"
}

// call sends body to op and reads the status, the error type and message.
func call(t *testing.T, r *running, m *awsmodel.Model, op awsmodel.Operation, body string) (status int, code, msg string) {
	t.Helper()
	resp, err := r.client.Do(awsRequest(r, m, op.Name, op.Path, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct{ Message string }
	_ = json.Unmarshal(raw, &out) // "message" or "Message": the decoder ignores case
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out.Message
}

// violation is an input that breaks one rule of a shape.
type violation struct {
	what  string
	value any
	rule  string
}

// maxDerivedLength bounds the strings the test builds.
const maxDerivedLength = 1 << 16

// violations lists inputs that break s's own constraints.
func violations(s *awsmodel.Shape) []violation {
	if s == nil {
		return nil
	}
	var out []violation
	switch s.Type {
	case awsmodel.String:
		if len(s.Enum) > 0 {
			return []violation{{"outside its enum", "NOT-IN-THE-ENUM",
				"Member must satisfy enum value set: [" + strings.Join(s.Enum, ", ") + "]"}}
		}
		if s.HasMax && s.Max < maxDerivedLength {
			out = append(out, violation{"too long", strings.Repeat("a", int(s.Max)+1),
				fmt.Sprintf("Member must have length less than or equal to %d", s.Max)})
		}
		if s.HasMin && s.Min > 0 {
			out = append(out, violation{"too short", strings.Repeat("a", int(s.Min)-1),
				fmt.Sprintf("Member must have length greater than or equal to %d", s.Min)})
		}
	case awsmodel.Integer, awsmodel.Long:
		if s.HasMax {
			out = append(out, violation{"above its range", s.Max + 1,
				fmt.Sprintf("Member must have value less than or equal to %d", s.Max)})
		}
		if s.HasMin {
			out = append(out, violation{"below its range", s.Min - 1,
				fmt.Sprintf("Member must have value greater than or equal to %d", s.Min)})
		}
	}
	return out
}
