package xrayfilter

import "testing"

// shop → inventory (a 404) and shop → DynamoDB (inferred), entered at shop
// with a 200 after 1.5 s; the whole trace lasted 2 s.
func sampleTrace() *Trace {
	return &Trace{
		ID: "1-5759e988-bd862e3fe1be46a994272793", Duration: 2,
		Entry: Outcome{ResponseTime: 1.5, HTTP: HTTP{URL: "http://api.example.com/v2/cart", Method: "GET", Status: 200,
			UserAgent: "curl/8", ClientIP: "10.0.0.1"}},
		Error: true, Users: []string{"alice"},
		Annotations: map[string][]Value{
			"tier": {{Kind: String, Str: "gold"}}, "items": {{Kind: Number, Num: 3}}, "vip": {{Kind: Bool, Bool: true}}},
		Nodes: []Node{
			{Name: "shop", Type: "AWS::EC2::Instance", Root: true, AvailabilityZones: []string{"us-east-1a"},
				InstanceIDs: []string{"i-0abc", "i-0def"}, Outcome: Outcome{ResponseTime: 1.5, HTTP: HTTP{Status: 200}}},
			{Name: "inventory", Outcome: Outcome{Error: true, ResponseTime: 0.2, HTTP: HTTP{Status: 404}, ErrorMessages: []string{"no such sku"}}},
			{Name: "DynamoDB", Type: "AWS::DynamoDB", Inferred: true, Outcome: Outcome{ResponseTime: 0.05}},
		},
		Edges: []Call{{From: 0, To: 1, Outcome: Outcome{Error: true, ResponseTime: 0.21, HTTP: HTTP{Status: 404}}},
			{From: 0, To: 2, Outcome: Outcome{ResponseTime: 0.05}}},
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		expr string
		want bool
	}{
		{`responsetime > 1`, true},
		{`responseTime > 1 AND responseTime < 2`, true},
		{`responseTime >= 2`, false},
		{`availabilityzone = "us-east-1a"`, true},
		{`availabilityzone BEGINSWITH "eu-"`, false},
		{`availabilityzone != "us-east-1b"`, true},
		{`instance.id = "i-0def"`, true},
		{`instance.id IN ["i-1", "i-2"]`, false},
		{`service("shop") { instance.id = "i-0abc" AND availabilityzone = "us-east-1a" }`, true},
		{`service("inventory") { instance.id = "i-0abc" }`, false},
		{`service("inventory") { availabilityzone != "x" }`, true},
		{`edge("shop", "inventory") { availabilityzone = "us-east-1a" }`, false},
		{`responsetime > 2`, false},
		{`duration >= 2 AND duration <= 8`, true},
		{`http.status = 200`, true},
		{`http.url BEGINSWITH "http://api.example.com/" AND http.url CONTAINS "/v2/"`, true},
		{`http.url ENDSWITH "/cart" AND http.method = "GET" AND http.useragent = "curl/8" AND http.clientip = "10.0.0.1"`, true},
		{`error`, true},
		{`fault`, false},
		{`!fault`, true},
		{`fault = false`, true},
		{`error != true`, false},
		{`ok`, false},
		{`throttle`, false},
		{`partial`, false},
		{`annotation.tier = "gold" AND user = "alice"`, true},
		{`annotation.tier != "silver"`, true},
		{`annotation.tier BEGINSWITH "go"`, true},
		{`annotation.items >= 3 AND annotation.items < 4`, true},
		{`annotation.items = "3"`, false},
		{`annotation.vip = true`, true},
		{`annotation.vip`, true},
		{`annotation.missing`, false},
		{`!annotation.missing`, true},
		{`user = "bob"`, false},
		{`user != "bob"`, true},
		{`service("inventory")`, true},
		{`service("billing")`, false},
		{`!service("billing")`, true},
		{`service()`, true},
		{`service("inventory") { error AND http.status = 404 }`, true},
		{`service("inventory") { fault OR responsetime > 2.5 }`, false},
		{`service("shop") { root AND ok }`, true},
		{`service("DynamoDB") { inferred }`, true},
		{`service(id(name: "shop", type: "AWS::EC2::Instance"))`, true},
		{`service(id(type: "AWS::EC2::Instance")) { name = "shop" }`, true},
		{`id(name: "shop", type: "AWS::Lambda::Function")`, false},
		{`edge("shop", "inventory") { error }`, true},
		{`edge("shop", "inventory") { responsetime > 0.2 }`, true},
		{`edge("inventory", "shop")`, false},
		{`edge("shop", id(type: "AWS::DynamoDB")) { ok }`, true},
		{`service("inventory") { error.exception.message CONTAINS "sku" }`, true},
		{`service("inventory") { fault.exception.message CONTAINS "sku" }`, false},
		{`http.method IN ["PUT", "GET"]`, true},
		{`http.method IN ["PUT"]`, false},
		{`(fault OR error) AND (responsetime < 2 || duration > 100)`, true},
		{`ok !partial duration < 3`, false},
	}
	tr := sampleTrace()
	for _, tc := range cases {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := Match(e, tr); got != tc.want {
			t.Errorf("Match(%s) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}
