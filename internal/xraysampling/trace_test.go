package xraysampling

import (
	"strings"
	"testing"
)

func TestTrace(t *testing.T) {
	rule := func(name string, prio int32, service, host string) Rule {
		r := testRule(name, prio)
		r.ServiceName, r.Host, r.URLPath = service, host, "*"
		return r
	}
	rules := []Rule{rule("api-host", 100, "*", "api.cruddur.com"), rule("Cruddur", 9000, "backend-flask", "*"),
		rule("catch-all", 9500, "*", "*"), DefaultRule()}
	cases := []struct {
		name string
		req  Request
		want []string // outcome:first failing field, per rule
		// fields of the rule at index 0, "Field=result"
		fields string
	}{
		{"a browser request named after its host", Request{ServiceName: "4567-cruddur.gitpod.io", Host: "4567-cruddur.gitpod.io", HTTPMethod: "GET", URLPath: "/api/activities/home"},
			[]string{"failed:Host", "failed:ServiceName", "matched:", "not-evaluated:"},
			"ServiceName=match ServiceType=skipped Host=fail HTTPMethod=match URLPath=match ResourceARN=skipped"},
		{"a health check", Request{ServiceName: "backend-flask", Host: "127.0.0.1:4567", URLPath: "/api/health-check"},
			[]string{"failed:Host", "matched:", "not-evaluated:", "not-evaluated:"},
			"ServiceName=match ServiceType=skipped Host=fail HTTPMethod=skipped URLPath=match ResourceARN=skipped"},
	}
	for _, c := range cases {
		got := Trace(rules, c.req)
		var outcomes []string
		for _, rt := range got {
			f := ""
			if rt.Why != nil {
				f = rt.Why.Field
			}
			outcomes = append(outcomes, rt.Outcome+":"+f)
		}
		if strings.Join(outcomes, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: %v, want %v", c.name, outcomes, c.want)
		}
		var fields []string
		for _, f := range got[0].Fields {
			fields = append(fields, f.Field+"="+f.Result)
		}
		if strings.Join(fields, " ") != c.fields {
			t.Errorf("%s: fields %s, want %s", c.name, strings.Join(fields, " "), c.fields)
		}
	}
}
