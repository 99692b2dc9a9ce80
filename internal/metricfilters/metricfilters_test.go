package metricfilters

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	one := func(value string, def *float64, dims map[string]string) []Transformation {
		return []Transformation{{MetricName: "M", MetricNamespace: "N", MetricValue: value, DefaultValue: def, Dimensions: dims}}
	}
	zero := 0.0
	for _, c := range []struct {
		name, pattern string
		tr            []Transformation
		member        string // "" valid
	}{
		{"count", "ERROR", one("1", nil, nil), ""},
		{"json value", "{ $.status >= 500 }", one("$.latency.ms", &zero, nil), ""},
		{"delimited field", "[ip, status, bytes]", one("$bytes", nil, map[string]string{"Status": "$status"}), ""},
		{"bad pattern", "{ $.a = ", one("1", nil, nil), "filterPattern"},
		{"field of no pattern", "ERROR", one("$bytes", nil, nil), "metricValue"},
		{"unknown field", "[ip, bytes]", one("$size", nil, nil), "metricValue"},
		{"not a number", "ERROR", one("many", nil, nil), "metricValue"},
		{"default with dimensions", "[ip, bytes]", one("$bytes", &zero, map[string]string{"IP": "$ip"}), "defaultValue"},
		{"dimension of no field", "[ip, bytes]", one("1", nil, map[string]string{"User": "$user"}), "dimensions"},
	} {
		_, err := Check(Filter{FilterPattern: c.pattern, MetricTransformations: c.tr})
		var fe *FieldError
		switch {
		case c.member == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.member != "" && (!errors.As(err, &fe) || fe.Member != c.member):
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.member)
		}
	}
}

func TestTest(t *testing.T) {
	m, err := Test(`{ $.status >= 500 }`, []string{`{"status":200}`, `{"status":503,"path":"/pay"}`, `not json`})
	if err != nil || len(m) != 1 || m[0].EventNumber != 2 || m[0].ExtractedValues["$.status"] != "503" {
		t.Fatalf("%+v %v", m, err)
	}
	if m, err := Test(`ERROR`, []string{"fine"}); err != nil || m == nil || len(m) != 0 {
		t.Errorf("no match: %#v %v, want an empty list", m, err)
	}
	var fe *FieldError
	if _, err := Test(`[a,`, []string{"x"}); !errors.As(err, &fe) || fe.Member != "filterPattern" {
		t.Errorf("bad pattern: %v", err)
	}
}
