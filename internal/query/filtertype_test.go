package query

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFilterTypes(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		field      string // "" when the specification is valid
		msg        string // a part of the message
	}{
		{"DurationNumber", `{"filters":[{"column":"duration_ms","op":">","value":1000}]}`, "", ""},
		{"DurationWithUnit", `{"filters":[{"column":"duration_ms","op":">","value":"1s"}]}`, "filters[0].value", `duration_ms > "1s": duration_ms is a number; give a number of milliseconds (1000 for 1s)`},
		{"DurationQuotedNumber", `{"filters":[{"column":"duration_ms","op":">=","value":"1000"}]}`, "filters[0].value", `give a number (1000, not the text "1000")`},
		{"DurationEqText", `{"filters":[{"column":"duration_ms","op":"=","value":"fast"}]}`, "filters[0].value", "duration_ms is a number"},
		{"DurationInMixed", `{"filters":[{"column":"duration_ms","op":"in","value":[1,"2s"]}]}`, "filters[0].value", `duration_ms in 1, "2s"`},
		{"DurationBool", `{"filters":[{"column":"duration_ms","op":"<","value":true}]}`, "filters[0].value", "duration_ms is a number"},
		{"DurationContains", `{"filters":[{"column":"duration_ms","op":"contains","value":"5"}]}`, "filters[0].op", "contains compares text, and duration_ms is a number"},
		{"DurationExists", `{"filters":[{"column":"duration_ms","op":"exists"}]}`, "", ""},
		{"StatusCodeText", `{"filters":[{"column":"status_code","op":"=","value":"error"}]}`, "filters[0].value", "status_code is a whole number"},
		{"StatusCodeIn", `{"filters":[{"column":"status_code","op":"not-in","value":[0,1]}]}`, "", ""},
		{"ErrorBool", `{"filters":[{"column":"error","op":"!=","value":true}]}`, "", ""},
		{"ErrorText", `{"filters":[{"column":"error","op":"=","value":"yes"}]}`, "filters[0].value", "error is true or false"},
		{"ErrorOrdered", `{"filters":[{"column":"error","op":">","value":false}]}`, "filters[0].op", "use = or !="},
		{"SecondFilterNamed", `{"filters":[{"column":"name","op":"=","value":"x"},{"column":"duration_ms","op":"<=","value":"abc"}]}`, "filters[1].value", ""},
		{"TextFieldAnyValue", `{"filters":[{"column":"name","op":">","value":"m"}]}`, "", ""},
		{"AttributeTextOrdered", `{"filters":[{"column":"http.status_code","op":">","value":"5xx"}]}`, "", ""},
		{"EventColumnUntyped", `{"filters":[{"column":"event.attempt","op":">","value":"3"}]}`, "", ""},
		{"LogSeverityText", `{"source":"logs","filters":[{"column":"severity_number","op":">=","value":"ERROR"}]}`, "filters[0].value", "severity_number is a whole number"},
		{"LogSeverityNumber", `{"source":"logs","filters":[{"column":"severity_number","op":">=","value":17}]}`, "", ""},
		{"LogDurationIsAnAttribute", `{"source":"logs","filters":[{"column":"duration_ms","op":">","value":"1s"}]}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.spec), now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("error %v, want one on field %q", err, tc.field)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
		})
	}
}

// Trace filters and BubbleUp selections read spans: the same rule holds.
func TestFilterTypesTraceAndSelection(t *testing.T) {
	bad := Filter{Column: ColDuration, Op: FilterGt, Values: []any{"1s"}}
	tq := TraceQuery{Start: now.Add(-time.Hour), End: now, Where: AllOf(SomeSpan(Filter{Column: ColName, Op: FilterEq, Values: []any{"x"}}, bad))}
	var fe *FieldError
	if err := tq.Normalize(); !errors.As(err, &fe) || fe.Field != "where.children[0].filters[1].value" {
		t.Errorf("trace query: %v, want where.children[0].filters[1].value", err)
	}
	if err := ValidateSelection(Selection{Filters: []Filter{bad}}); !errors.As(err, &fe) || fe.Field != "selection.filters[0].value" {
		t.Errorf("selection: %v, want selection.filters[0].value", err)
	}
}
