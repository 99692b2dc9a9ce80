package xraysampling

import (
	"strings"
	"testing"
)

func TestUnmatched(t *testing.T) {
	services := []ServiceCount{{"api", 40}, {"backend-flask", 100}}
	segs := []Segment{
		{Service: "backend-flask", Host: "127.0.0.1:5000", Method: "GET", Path: "/orders", Count: 90},
		{Service: "backend-flask", Host: "127.0.0.1:5000", Method: "POST", Path: "/orders", Count: 10},
		{Service: "api", Origin: "AWS::EC2::Instance", Host: "api.example.com", Method: "GET", Path: "/v1/users", Count: 40},
	}
	cases := []struct {
		name     string
		edit     func(*Rule)
		services []ServiceCount
		want     string
	}{
		{"service name", func(r *Rule) { r.ServiceName = "backend" }, services,
			`ServiceName "backend" matched no segment; services seen: backend-flask, api`},
		{"host with the port left out", func(r *Rule) { r.ServiceName, r.Host = "backend-*", "127.0.0.1" }, services,
			`Host "127.0.0.1" matched no segment of "backend-flask"; hosts seen: 127.0.0.1:5000`},
		{"method", func(r *Rule) { r.ServiceName, r.HTTPMethod = "backend-flask", "DELETE" }, services,
			`HTTPMethod "DELETE" matched no segment of "backend-flask"; methods seen: GET, POST`},
		{"path after method", func(r *Rule) { r.ServiceName, r.HTTPMethod, r.URLPath = "*", "POST", "/order" }, services,
			`URLPath "/order" matched no segment of "api", "backend-flask"; paths seen: /orders`},
		{"service type", func(r *Rule) { r.ServiceName, r.ServiceType = "api", "AWS::ECS::Container" }, services,
			`ServiceType "AWS::ECS::Container" matched no segment of "api"; origins seen: AWS::EC2::Instance`},
		{"a segment without origin is not compared", func(r *Rule) { r.ServiceName, r.ServiceType = "backend-flask", "AWS::ECS::Container" }, services,
			`100 stored segments match every field`},
		{"nothing stored", func(r *Rule) { r.ServiceName = "backend" }, nil, "no segments were stored"},
	}
	for _, c := range cases {
		r := DefaultRule()
		r.RuleName = "r"
		c.edit(&r)
		got := Unmatched(r, c.services, segs)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestUnmatchedListsTenValues(t *testing.T) {
	var services []ServiceCount
	for _, n := range "abcdefghijkl" {
		services = append(services, ServiceCount{string(n), 1})
	}
	r := DefaultRule()
	r.ServiceName = "zzz"
	if got := Unmatched(r, services, nil); !strings.HasSuffix(got, "a, b, c, d, e, f, g, h, i, j, and 2 more") {
		t.Errorf("got %s", got)
	}
}

func TestNotes(t *testing.T) {
	r := DefaultRule()
	if n := Notes(r); len(n) != 0 {
		t.Errorf("notes on the Default rule: %v", n)
	}
	r.ResourceARN = "arn:aws:ecs:*"
	r.Attributes = map[string]string{"k": "v"}
	if n := Notes(r); len(n) != 2 || !strings.Contains(n[0], "ResourceARN") || !strings.Contains(n[1], "Attributes") {
		t.Errorf("notes %v", n)
	}
}
