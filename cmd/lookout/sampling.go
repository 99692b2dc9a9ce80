package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"lookout/internal/receiver/xrayapi/samplingapi"
)

const samplingUsage = `usage:
  lookout sampling explain --service S [--host H] [--method M] [--path P] [--service-type T] [--addr URL]
      every X-Ray sampling rule in evaluation order, each field compared with the request, and the decision
  lookout sampling rules [--addr URL]
      the rules with what the SDKs reported for them in the last hour, and what looks wrong

--addr is a running lookout's main port (default http://127.0.0.1:8686, env LOOKOUT_ADDR);
LOOKOUT_API_KEY is sent as its API key.
`

// runSampling is `lookout sampling explain|rules`: the sampling diagnostics
// of a running lookout, through its JSON API.
func runSampling(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "explain" && args[0] != "rules") {
		fmt.Fprint(stderr, samplingUsage)
		return errors.New("sampling: want explain or rules")
	}
	fs := flag.NewFlagSet("sampling "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := os.Getenv("LOOKOUT_ADDR")
	if addr == "" {
		addr = "http://127.0.0.1:8686"
	}
	fs.StringVar(&addr, "addr", addr, "URL of a running lookout's main port (env LOOKOUT_ADDR)")
	if args[0] == "rules" {
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		var rep samplingapi.SamplingReport
		if err := callAPI(ctx, http.MethodGet, addr, samplingapi.SamplingDiagnosticsPath, nil, &rep); err != nil {
			return fmt.Errorf("sampling rules: %w", err)
		}
		printRules(stdout, rep)
		return nil
	}
	var req struct {
		Service     string `json:"service"`
		ServiceType string `json:"serviceType,omitempty"`
		Host        string `json:"host,omitempty"`
		Method      string `json:"method,omitempty"`
		Path        string `json:"path,omitempty"`
	}
	fs.StringVar(&req.Service, "service", "", "the segment's name (the SDK's service name, or the Host with dynamic naming)")
	fs.StringVar(&req.ServiceType, "service-type", "", "the segment's origin, e.g. AWS::EC2::Instance (left out: not compared)")
	fs.StringVar(&req.Host, "host", "", "the request's Host header, with its port if it has one (left out: not compared)")
	fs.StringVar(&req.Method, "method", "", "the HTTP method (left out: not compared)")
	fs.StringVar(&req.Path, "path", "", "the URL path, or a full URL (which also gives the host)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if req.Service == "" {
		return errors.New("sampling explain: --service is required")
	}
	var rep samplingapi.MatchReport
	if err := callAPI(ctx, http.MethodPost, addr, samplingapi.SamplingMatchPath, req, &rep); err != nil {
		return fmt.Errorf("sampling explain: %w", err)
	}
	printExplain(stdout, req.Service, req.Host, req.Method, req.Path, rep)
	return nil
}

// callAPI sends in (when not nil) as JSON and decodes the answer into out.
func callAPI(ctx context.Context, method, base, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	withAPIKey(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(raw)))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}
