package xrayapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"lookout/internal/receiver/xrayapi/configapi"
)

// FuzzGroupRequest sends any body to each group operation and to the reads
// that take a group: the answer is always a JSON object with a 200 or a
// 4xx, never a panic or a 500 (op selects the path).
func FuzzGroupRequest(f *testing.F) {
	paths := []string{configapi.CreateGroupPath, configapi.GetGroupPath, configapi.GetGroupsPath, configapi.UpdateGroupPath, configapi.DeleteGroupPath,
		ServiceGraphPath, TraceSummariesPath, TimeSeriesPath}
	mux := groupsMux(f)
	f.Add(uint8(0), []byte(`{"GroupName":"g","FilterExpression":"fault","InsightsConfiguration":{"InsightsEnabled":true},`+
		`"Tags":[{"Key":"k","Value":"v"}]}`))
	f.Add(uint8(1), []byte(`{"GroupARN":"arn:aws:xray:us-east-1:000000000000:group/g/ID"}`))
	f.Add(uint8(3), []byte(`{"GroupName":"Default","InsightsConfiguration":{"NotificationsEnabled":true}}`))
	f.Add(uint8(5), []byte(`{"StartTime":1795648700,"EndTime":1795648800,"GroupName":"g"}`))
	f.Add(uint8(6), []byte(`{"StartTime":1795648700,"EndTime":1795648800,"FilterExpression":"group.name = \"g\" OR !group.arn = \"x\""}`))
	f.Add(uint8(7), []byte(`{"StartTime":1795648700,"EndTime":1795648800,"GroupName":"g","Period":120,"EntitySelectorExpression":"edge(\"a\", \"b\")"}`))
	f.Add(uint8(7), []byte(`{"StartTime":1795648700,"EndTime":1795648800,"Period":-60,"EntitySelectorExpression":"service(\"a\") { fault }"}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		path := paths[int(op)%len(paths)]
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
		var out map[string]any
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
