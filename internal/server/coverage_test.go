package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lookout/internal/awsmodel"
)

// coverageDoc is the table of AWS operations Lookout serves.
const coverageDoc = "../../docs/aws-coverage.md"

// modelOps lists a service's operations with their X-Ray paths, from
// botocore's model when python3 has it, else from the list
// internal/awsmodel's generator took from that model.
func modelOps(t *testing.T, service string, m *awsmodel.Model) (ops map[string]string, source string) {
	script := `import json,sys,botocore.loaders as l
m=l.Loader().load_service_model(sys.argv[1],'service-2')
print(json.dumps({n:o['http']['requestUri'] for n,o in m['operations'].items()}))`
	if out, err := exec.Command("python3", "-c", script, service).Output(); err == nil {
		if err := json.Unmarshal(out, &ops); err == nil && len(ops) > 0 {
			return ops, "botocore"
		}
	}
	ops = map[string]string{}
	for _, op := range m.Operations {
		ops[op.Name] = op.Path
	}
	return ops, "awsmodel"
}

// docTable reads the rows "| Operation | supported |" or "| Operation |
// not yet |" of the section headed title.
func docTable(t *testing.T, title string) map[string]bool {
	f, err := os.Open(coverageDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `?([A-Za-z0-9]+)`? \\| (supported|not yet) \\|")
	rows, in := map[string]bool{}, false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimPrefix(line, "## ") == title
			continue
		}
		if m := row.FindStringSubmatch(line); in && m != nil {
			rows[m[1]] = m[2] == "supported"
		}
	}
	return rows
}

// TestAWSCoverageDoc keeps docs/aws-coverage.md true: every operation of
// the CloudWatch Logs and X-Ray models has a row, and a row says
// "supported" exactly when a running server answers the operation with
// something other than UnknownOperationException.
func TestAWSCoverageDoc(t *testing.T) {
	r := start(t)
	for _, svc := range []struct {
		title, botocore string
		model           *awsmodel.Model
	}{
		{"CloudWatch Logs", "logs", awsmodel.Logs},
		{"X-Ray", "xray", awsmodel.XRay},
	} {
		ops, source := modelOps(t, svc.botocore, svc.model)
		doc := docTable(t, svc.title)
		var wrong []string
		names := make([]string, 0, len(ops))
		for op := range ops {
			names = append(names, op)
		}
		slices.Sort(names)
		for _, op := range names {
			served := served(t, r, svc.model, awsmodel.Operation{Name: op, Path: ops[op]})
			said, listed := doc[op]
			if !listed || said != served {
				state := "not yet"
				if served {
					state = "supported"
				}
				wrong = append(wrong, "| "+op+" | "+state+" |")
			}
		}
		for op := range doc {
			if _, ok := ops[op]; !ok {
				wrong = append(wrong, op+": in the table, not in the "+source+" model")
			}
		}
		if len(wrong) > 0 {
			t.Errorf("%s: %s lies about %d of the %s model's %d operations; the rows should read:\n%s",
				svc.title, coverageDoc, len(wrong), source, len(ops), strings.Join(wrong, "\n"))
		}
	}
}

// awsRequest is a call of op (at path, for X-Ray) with body, on the port
// and in the protocol of m's service.
func awsRequest(r *running, m *awsmodel.Model, op, path, body string) *http.Request {
	if m.TargetPrefix != "" {
		req, _ := http.NewRequest("POST", r.url(onMain, "/"), strings.NewReader(body))
		req.Header.Set("X-Amz-Target", m.TargetPrefix+"."+op)
		req.Header.Set("Content-Type", awsJSON)
		return req
	}
	req, _ := http.NewRequest("POST", r.url(onXRay, path), strings.NewReader(body))
	req.Header.Set("Content-Type", jsonType)
	return req
}
