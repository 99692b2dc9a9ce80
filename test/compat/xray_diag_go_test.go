package compat

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
)

// TestXRayDiagnosticsGoSDK is the Cruddur walk-through with aws-xray-sdk-go:
// dynamic naming with a fallback name, centralized rules, a route that
// leaves a subsegment open. The Go SDK sends such a segment (in progress)
// when the request's context ends, so every sampled request arrives: no
// "unsent" finding, however often the SDK sends a segment. The rule for
// another host is flagged though a custom catch-all took the requests, and
// the process shows up once with both names and the client it polls with.
// Slow: waits for the SDK's 10-second statistics report.
func TestXRayDiagnosticsGoSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits for the X-Ray SDK's 10-second statistics report")
	}
	in := startLookout(t, t.TempDir())
	apiHost := samplingRule("api-host", 100, "*", "*", 1, 5)
	apiHost.Host = aws.String("api.cruddur.com")
	createRules(t, in, apiHost,
		samplingRule("Cruddur", 9000, "backend-flask", "*", 1, 5),
		samplingRule("catch-all", 9500, "*", "*", 1, 5))

	cs, err := sampling.NewCentralizedStrategy()
	if err != nil {
		t.Fatal(err)
	}
	endpoints, err := daemoncfg.GetDaemonEndpointsFromString(daemonAddress(in))
	if err != nil {
		t.Fatal(err)
	}
	cs.LoadDaemonEndpoints(endpoints)
	if err := xray.Configure(xray.Config{DaemonAddr: daemonAddress(in), SamplingStrategy: cs}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/activities/home", func(w http.ResponseWriter, r *http.Request) {
		_, seg := xray.BeginSubsegment(r.Context(), "mock-data")
		seg.Close(nil)
	})
	mux.HandleFunc("/api/health-check", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/api/leaky", func(_ http.ResponseWriter, r *http.Request) {
		xray.BeginSubsegment(r.Context(), "forgotten") // never closed
	})
	app := httptest.NewServer(xray.Handler(xray.NewDynamicSegmentNamer("backend-flask", "*4567-cruddur.gitpod.io*"), mux))
	defer app.Close()
	local := strings.TrimPrefix(app.URL, "http://")

	deadline := time.Now().Add(30 * time.Second)
	for n, _ := searchCount(t, in, "aws.xray.sampling_rule_name=Cruddur"); n == 0; n, _ = searchCount(t, in, "aws.xray.sampling_rule_name=Cruddur") {
		if time.Now().After(deadline) {
			t.Fatal("the SDK never sampled by the Cruddur rule")
		}
		getHost(t, app.URL, "/api/health-check", "")
		time.Sleep(100 * time.Millisecond)
	}
	for i := 0; i < 6; i++ {
		getHost(t, app.URL, "/api/activities/home", "4567-cruddur.gitpod.io")
	}
	for i := 0; i < 4; i++ {
		getHost(t, app.URL, "/api/health-check", "")
	}
	for i := 0; i < 3; i++ {
		getHost(t, app.URL, "/api/leaky", "")
	}

	// Every segment sampled under Cruddur is in a report lookout compared.
	d := waitDiag(t, in, "every Cruddur request in its statistics", func(d diagReport) bool {
		stored, _ := searchCount(t, in, "aws.xray.sampling_rule_name=Cruddur")
		c, all := d.sent("Cruddur"), d.sent("catch-all")
		return stored >= 8 && len(c) == 1 && c[0].Sampled >= int64(stored) && len(all) == 1 && all[0].Sampled >= 6
	})
	c, all := d.sent("Cruddur")[0], d.sent("catch-all")[0]
	if c.Missing != 0 || c.Arrived != c.Sampled || strings.Join(c.Services, ",") != "backend-flask" || len(c.Sources) != 1 || len(c.Clients) != 1 {
		t.Errorf("Cruddur: %+v", c)
	}
	if all.Missing != 0 || all.Sampled != 6 || strings.Join(all.Services, ",") != "4567-cruddur.gitpod.io" {
		t.Errorf("catch-all: %+v", all)
	}
	if m := d.finding("Cruddur", "unsent"); m != "" {
		t.Errorf("unsent while every segment arrived: %s", m)
	}
	if m := d.finding("api-host", "unmatched"); !strings.Contains(m, `Host "api.cruddur.com" matched no segment`) || !strings.Contains(m, `"catch-all" 6`) {
		t.Errorf("api-host unmatched: %q", m)
	}

	var naming namingReport
	getJSON(t, in.HTTP+"/api/xray/naming", &naming)
	groups := 0
	for _, s := range naming.Services {
		for _, n := range s.Names {
			if n.Name != "backend-flask" && n.Name != "4567-cruddur.gitpod.io" {
				continue
			}
			groups++
			if s.Source != c.Sources[0] || len(s.Names) != 2 || strings.Join(s.SamplingClients, ",") != c.Clients[0] {
				t.Errorf("name %s in group %+v, want the process at %s with client %s", n.Name, s, c.Sources[0], c.Clients[0])
			}
			if n.Name == "backend-flask" && !strings.Contains(n.Reason, "requests with Host `"+local+"` don't match") {
				t.Errorf("backend-flask: %q", n.Reason)
			}
		}
	}
	if groups != 2 {
		t.Errorf("%d names of the process found, want 2: %+v", groups, naming.Services)
	}

}
