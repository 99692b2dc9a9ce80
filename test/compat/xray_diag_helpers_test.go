package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// diagReport is the part of GET /api/xray/sampling the diagnostics tests
// read.
type diagReport struct {
	Rules []struct {
		Name  string `json:"name"`
		Stats struct {
			Requests, Sampled, Borrowed int64
		} `json:"stats"`
		Findings []struct {
			Kind    string `json:"kind"`
			Message string `json:"message"`
			TakenBy []struct {
				Rule     string `json:"rule"`
				Requests int64  `json:"requests"`
			} `json:"takenBy"`
			Seen []struct {
				Service string `json:"service"`
				Why     struct{ Field, Pattern, Value string }
			} `json:"seen"`
		} `json:"findings"`
		Sent []sentCheck `json:"sent"`
	} `json:"rules"`
	Notes []string `json:"notes"`
}

type sentCheck struct {
	Clients, Services, Sources []string
	Sampled, Arrived, Missing  int64
}

// sent returns the rule's checks.
func (d diagReport) sent(rule string) []sentCheck {
	for _, r := range d.Rules {
		if r.Name == rule {
			return r.Sent
		}
	}
	return nil
}

// finding returns the message of the rule's finding of that kind, "" when
// there is none.
func (d diagReport) finding(rule, kind string) string {
	for _, r := range d.Rules {
		for _, f := range r.Findings {
			if r.Name == rule && f.Kind == kind {
				return f.Message
			}
		}
	}
	return ""
}

// waitDiag reads GET /api/xray/sampling until done accepts it.
func waitDiag(t *testing.T, in *instance, what string, done func(diagReport) bool) diagReport {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var d diagReport
		if code := getJSON(t, in.HTTP+"/api/xray/sampling", &d); code != http.StatusOK {
			t.Fatalf("GET /api/xray/sampling: %d", code)
		}
		if done(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen in 90 s; last report %+v", what, d)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// namingReport is the part of GET /api/xray/naming the tests read.
type namingReport struct {
	Services []struct {
		Key             string   `json:"key"`
		Source          string   `json:"source"`
		SamplingClients []string `json:"samplingClients"`
		Note            string   `json:"note"`
		Names           []struct {
			Name     string `json:"name"`
			Count    int64  `json:"count"`
			FromHost bool   `json:"fromHost"`
			Reason   string `json:"reason"`
		} `json:"names"`
	} `json:"services"`
}

// searchCount counts the traces GET /api/search finds with the logfmt tags.
func searchCount(t *testing.T, in *instance, tags string) (int, string) {
	t.Helper()
	var out struct {
		Traces []struct {
			RootServiceName string `json:"rootServiceName"`
		} `json:"traces"`
	}
	q := url.Values{"tags": {tags}, "limit": {"1000"}}
	if code := getJSON(t, in.HTTP+"/api/search?"+q.Encode(), &out); code != http.StatusOK {
		t.Fatalf("search %s: %d", tags, code)
	}
	if len(out.Traces) == 0 {
		return 0, ""
	}
	return len(out.Traces), out.Traces[0].RootServiceName
}

// createRules creates sampling rules as a user would: with the AWS CLI
// when it is installed, else with aws-sdk-go-v2.
func createRules(t *testing.T, in *instance, rules ...*types.SamplingRule) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Log("no aws CLI: the rules are created with aws-sdk-go-v2")
		for _, r := range rules {
			if _, err := xrayClient(in.XRayAPI).CreateSamplingRule(context.Background(), &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, r := range rules {
		body, _ := json.Marshal(map[string]any{"SamplingRule": map[string]any{
			"RuleName": *r.RuleName, "ResourceARN": *r.ResourceARN, "Priority": *r.Priority, "FixedRate": r.FixedRate,
			"ReservoirSize": r.ReservoirSize, "ServiceName": *r.ServiceName, "ServiceType": *r.ServiceType, "Host": *r.Host,
			"HTTPMethod": *r.HTTPMethod, "URLPath": *r.URLPath, "Version": *r.Version}})
		cmd := exec.Command("aws", "xray", "create-sampling-rule", "--endpoint-url", in.XRayAPI, "--region", "us-east-1",
			"--cli-input-json", string(body))
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws xray create-sampling-rule %s: %v\n%s", *r.RuleName, err, out)
		}
	}
}

// requirePython skips the test unless python3 imports the modules.
func requirePython(t *testing.T, modules ...string) {
	t.Helper()
	if out, err := exec.Command("python3", "-c", "import "+strings.Join(modules, ", ")).CombinedOutput(); err != nil {
		t.Skipf("python3 cannot import %s: %v %s", strings.Join(modules, ", "), err, out)
	}
}

// getHost sends a GET with the Host header given ("" keeps the URL's).
func getHost(t *testing.T, base, path, host string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s (Host %s): %s", path, host, resp.Status)
	}
}

// runLookout runs the lookout binary with args and returns its output.
func runLookout(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(lookoutBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("lookout %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func daemonAddress(in *instance) string {
	return fmt.Sprintf("tcp:%s udp:%s", strings.TrimPrefix(in.XRayAPI, "http://"), in.XRayUDP)
}
