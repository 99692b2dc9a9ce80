package compat

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// cruddurApp is a Flask backend instrumented as the X-Ray bootcamp's
// Cruddur is: XRayMiddleware, a fixed service name with dynamic naming by
// the Host header, one route that leaves a subsegment open. It prints the
// port it listens on.
const cruddurApp = `
import logging
from flask import Flask
from werkzeug.serving import make_server
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.ext.flask.middleware import XRayMiddleware

logging.basicConfig(level=logging.WARNING)
app = Flask(__name__)
xray_recorder.configure(service='backend-flask', dynamic_naming='*4567-cruddur.gitpod.io*', context_missing='LOG_ERROR')
XRayMiddleware(app, xray_recorder)

@app.route('/api/activities/home')
def home():
    with xray_recorder.in_subsegment('mock-data'):
        pass
    return {'activities': []}

@app.route('/api/health-check')
def health():
    return {'success': True}

@app.route('/api/leaky')
def leaky():
    xray_recorder.begin_subsegment('forgotten')  # never ended: the SDK never sends the segment
    return {'ok': True}

srv = make_server('127.0.0.1', 0, app)
print(srv.port, flush=True)
srv.serve_forever()
`

// startCruddur runs cruddurApp against in and returns its base URL.
func startCruddur(t *testing.T, in *instance) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "app.py")
	if err := os.WriteFile(script, []byte(cruddurApp), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", script)
	cmd.Env = append(os.Environ(), "AWS_XRAY_DAEMON_ADDRESS="+daemonAddress(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("flask app stderr:\n%s", stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("flask app did not print its port: %v\n%s", err, stderr.String())
	}
	return "http://127.0.0.1:" + strings.TrimSpace(line)
}

// TestXRayDiagnosticsPythonCruddur walks the way a new user goes: a Flask
// backend with the Python X-Ray SDK and dynamic naming, centralized rules
// created with the AWS CLI, browser requests with the public Host, health
// checks on 127.0.0.1, and a route that leaves a subsegment open. Lookout
// must say that the Host rule never matches though a custom catch-all took
// the requests, that one process used two names and why, that three
// sampled requests were never sent, and answer queries on url.path. Slow:
// waits for the SDK's 10-second statistics report.
func TestXRayDiagnosticsPythonCruddur(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits for the X-Ray SDK's 10-second statistics report")
	}
	requirePython(t, "aws_xray_sdk", "flask", "werkzeug")
	in := startLookout(t, t.TempDir())
	apiHost := samplingRule("api-host", 100, "*", "*", 1, 5)
	apiHost.Host = aws.String("api.cruddur.com")
	createRules(t, in, apiHost,
		samplingRule("Cruddur", 9000, "backend-flask", "*", 1, 5),
		samplingRule("catch-all", 9500, "*", "*", 1, 5))
	app := startCruddur(t, in)
	local := strings.TrimPrefix(app, "http://")

	// Until the SDK has the rules, its local rules decide (and name no
	// rule): send health checks until one was sampled by Cruddur.
	deadline := time.Now().Add(30 * time.Second)
	for n, _ := searchCount(t, in, "aws.xray.sampling_rule_name=Cruddur"); n == 0; n, _ = searchCount(t, in, "aws.xray.sampling_rule_name=Cruddur") {
		if time.Now().After(deadline) {
			t.Fatal("the SDK never sampled by the Cruddur rule")
		}
		getHost(t, app, "/api/health-check", "")
		time.Sleep(100 * time.Millisecond)
	}
	for i := 0; i < 6; i++ {
		getHost(t, app, "/api/activities/home", "4567-cruddur.gitpod.io")
	}
	for i := 0; i < 4; i++ {
		getHost(t, app, "/api/health-check", "")
	}
	for i := 0; i < 3; i++ {
		getHost(t, app, "/api/leaky", "")
	}

	d := waitDiag(t, in, "the leaky requests in Cruddur's statistics", func(d diagReport) bool {
		c, all := d.sent("Cruddur"), d.sent("catch-all")
		return len(c) == 1 && c[0].Missing >= 3 && len(all) == 1 && all[0].Sampled >= 6
	})

	// 4. Sampled but never sent.
	c := d.sent("Cruddur")[0]
	if c.Missing != 3 || c.Arrived != c.Sampled-3 || c.Arrived < 5 || strings.Join(c.Services, ",") != "backend-flask" ||
		len(c.Sources) != 1 || len(c.Clients) != 1 {
		t.Errorf("Cruddur: %+v", c)
	}
	msg := d.finding("Cruddur", "unsent")
	want := "backend-flask: " + strconv.FormatInt(c.Sampled, 10) + " requests sampled by Cruddur in the last 10m0s, " + strconv.FormatInt(c.Arrived, 10) +
		" segments arrived: 3 never sent — a subsegment left open"
	if !strings.HasPrefix(msg, want) {
		t.Errorf("unsent finding %q\nwant it to start %q", msg, want)
	}
	if all := d.sent("catch-all")[0]; all.Sampled != 6 || all.Missing != 0 || strings.Join(all.Services, ",") != "4567-cruddur.gitpod.io" {
		t.Errorf("catch-all: %+v", all)
	}

	// 2. A rule that never matches, while a custom catch-all took requests.
	m := d.finding("api-host", "unmatched")
	for _, w := range []string{`took "Cruddur"`, `"catch-all" 6`, `Host "api.cruddur.com" matched no segment`, local, "4567-cruddur.gitpod.io"} {
		if !strings.Contains(m, w) {
			t.Errorf("api-host unmatched %q\nwant it to contain %q", m, w)
		}
	}
	if d.finding("Cruddur", "unmatched") != "" || d.finding("catch-all", "unmatched") != "" {
		t.Errorf("a rule that took requests is flagged: %+v", d.Rules)
	}

	// 3. One process, two names, each with its reason.
	var naming namingReport
	getJSON(t, in.HTTP+"/api/xray/naming", &naming)
	found := false
	for _, s := range naming.Services {
		if s.Source != c.Sources[0] {
			continue
		}
		found = true
		reasons := map[string]string{}
		for _, n := range s.Names {
			reasons[n.Name] = n.Reason
		}
		if len(s.Names) != 2 || !strings.Contains(reasons["backend-flask"], "requests with Host `"+local+"` don't match the SDK's dynamic-naming pattern, so it falls back to the fixed name `backend-flask`") ||
			!strings.Contains(reasons["4567-cruddur.gitpod.io"], "named after the request's Host header `4567-cruddur.gitpod.io`") ||
			!strings.HasPrefix(s.Note, "one process, 2 names") || strings.Join(s.SamplingClients, ",") != strings.Join(c.Clients, ",") {
			t.Errorf("naming of the process %s: %+v", s.Key, s)
		}
	}
	if !found {
		t.Errorf("no naming group for the process at %s: %+v", c.Sources[0], naming.Services)
	}

	// 6. Queries by the OpenTelemetry names.
	if n, root := searchCount(t, in, "url.path=/api/activities/home"); n != 6 || root != "4567-cruddur.gitpod.io" {
		t.Errorf("search by url.path: %d traces, root %q", n, root)
	}

	// 7. The command line says the same.
	out := runLookout(t, "sampling", "explain", "--addr", in.HTTP, "--service", "4567-cruddur.gitpod.io",
		"--host", "4567-cruddur.gitpod.io", "--method", "GET", "--path", "/api/activities/home")
	for _, w := range []string{`1. api-host (priority 100): no match: Host "api.cruddur.com" does not match "4567-cruddur.gitpod.io"`,
		`2. Cruddur (priority 9000): no match: ServiceName "backend-flask" does not match "4567-cruddur.gitpod.io"`,
		`3. catch-all (priority 9500): MATCH`, `Decision: rule "catch-all"`} {
		if !strings.Contains(out, w) {
			t.Errorf("sampling explain lacks %q:\n%s", w, out)
		}
	}
	out = runLookout(t, "sampling", "rules", "--addr", in.HTTP)
	t.Logf("lookout sampling rules:\n%s", out)
	for _, w := range []string{"api-host", "unmatched: matched no request", "unsent: backend-flask: ", "sent (last 10m0s)"} {
		if !strings.Contains(out, w) {
			t.Errorf("sampling rules lacks %q:\n%s", w, out)
		}
	}
}
