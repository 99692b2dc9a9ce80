package restapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lookout/internal/errortrack"
)

// FuzzDeployBody checks that no deploy request body, JSON or form, makes
// deployBody or NewDeploy panic, that a refusal is a 4xx, and that an
// accepted deploy keeps the documented limits.
func FuzzDeployBody(f *testing.F) {
	f.Add("application/json", `{"environment":"production","revision":"abc","status":"started","start_time":1700000000}`)
	f.Add("application/json", `{"environment":3,"revision":null,"finish_time":"x"}`)
	f.Add("application/x-www-form-urlencoded", "environment=qa&revision=r1&rollbar_name=ann&comment=hi")
	f.Add("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"environment\"\r\n\r\nqa\r\n--b--\r\n")
	f.Add("text/plain", "{")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/1/deploy", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		fields, werr := deployBody(httptest.NewRecorder(), req)
		if werr != nil {
			if werr.Status < 400 || werr.Status > 499 {
				t.Fatalf("refused with %d: %s", werr.Status, werr.Msg)
			}
			return
		}
		in := errortrack.DeployInput{Environment: fields["environment"], Revision: fields["revision"], Comment: fields["comment"],
			Status: fields["status"], RollbarUsername: fields["rollbar_username"], LocalUsername: fields["local_username"]}
		if in.StartTime, werr = seconds(fields, "start_time"); werr != nil {
			return
		}
		d, err := errortrack.NewDeploy("p", in, time.Unix(1_700_000_000, 0))
		if err != nil {
			return
		}
		if d.Environment == "" || d.Revision == "" || utf8.RuneCountInString(d.Revision) > errortrack.MaxDeployField ||
			d.Status == "" || d.StartTime.IsZero() {
			t.Fatalf("accepted a deploy that breaks the rules: %+v", d)
		}
	})
}
