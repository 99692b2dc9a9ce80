package xrayread

import (
	"testing"

	"lookout/internal/model"
)

func TestRequestURL(t *testing.T) {
	str := func(k, v string) model.KeyValue { return model.KeyValue{Key: k, Value: model.StringValue(v)} }
	port := func(p int64) model.KeyValue { return model.KeyValue{Key: "server.port", Value: model.IntValue(p)} }
	tests := []struct {
		name  string
		attrs model.Attributes
		want  string
	}{
		{"Full", model.Attributes{str("url.full", "https://a.example/x?y=1"), str("url.path", "/other")}, "https://a.example/x?y=1"},
		{"OtelhttpServer", model.Attributes{str("url.scheme", "http"), str("server.address", "api.local"), port(8080),
			str("url.path", "/api/activities/home"), str("url.query", "page=2")}, "http://api.local:8080/api/activities/home?page=2"},
		{"DefaultPortLeftOut", model.Attributes{str("url.scheme", "https"), str("server.address", "api.local"), port(443),
			str("url.path", "/")}, "https://api.local/"},
		{"NoScheme", model.Attributes{str("server.address", "api.local"), str("url.path", "/p")}, "http://api.local/p"},
		{"PathOnly", model.Attributes{str("url.scheme", "http"), str("url.path", "/p")}, "/p"},
		{"NoPath", model.Attributes{str("server.address", "api.local")}, ""},
		{"Nothing", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := requestURL(tt.attrs); got != tt.want {
				t.Errorf("requestURL = %q, want %q", got, tt.want)
			}
		})
	}
}
