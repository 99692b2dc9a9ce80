package configapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store/metaduck"
	"lookout/internal/xraydaemon"
)

// TestDaemonOperations: PutTelemetryRecords and Get/PutEncryptionConfig
// answers and errors, in order, over the metadata store.
func TestDaemonOperations(t *testing.T) {
	meta, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	enc, err := xraydaemon.NewEncryption(meta)
	if err != nil {
		t.Fatal(err)
	}
	tel := xraydaemon.NewTelemetry(nil)
	api, err := NewDaemonAPI(tel, enc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	for _, tc := range []struct {
		name, path, body string
		status           int
		code, contains   string
	}{
		{"telemetry", TelemetryRecordsPath, `{"Hostname":"h","TelemetryRecords":[{"Timestamp":1795648700,"SegmentsReceivedCount":3,` +
			`"BackendConnectionErrors":{"OtherCount":1}}]}`, 200, "", `{}`},
		{"telemetry without records", TelemetryRecordsPath, `{"Hostname":"h"}`, 400, "InvalidRequestException", "TelemetryRecords is required"},
		{"record without timestamp", TelemetryRecordsPath, `{"TelemetryRecords":[{}]}`, 400, "InvalidRequestException", "TelemetryRecords[0].Timestamp is required"},
		{"long instance id", TelemetryRecordsPath, `{"EC2InstanceId":"` + strings.Repeat("i", 21) + `","TelemetryRecords":[]}`, 400,
			"InvalidRequestException", "EC2InstanceId must be at most 20"},
		{"long resource arn", TelemetryRecordsPath, `{"ResourceARN":"` + strings.Repeat("a", 501) + `","TelemetryRecords":[]}`, 400,
			"InvalidRequestException", "ResourceARN must be at most 500"},
		{"count of the wrong type", TelemetryRecordsPath, `{"TelemetryRecords":[{"Timestamp":1,"SegmentsSentCount":"x"}]}`, 400, "InvalidRequestException", ""},
		{"no encryption yet", EncryptionConfigPath, ``, 200, "", `{"EncryptionConfig":{"Status":"ACTIVE","Type":"NONE"}}`},
		{"put kms", PutEncryptionConfigPath, `{"Type":"KMS","KeyId":"alias/k"}`, 200, "", `{"EncryptionConfig":{"KeyId":"alias/k","Status":"ACTIVE","Type":"KMS"}}`},
		{"get kms", EncryptionConfigPath, `{}`, 200, "", `{"EncryptionConfig":{"KeyId":"alias/k","Status":"ACTIVE","Type":"KMS"}}`},
		{"no type", PutEncryptionConfigPath, `{}`, 400, "InvalidRequestException", "Type is required"},
		{"bad type", PutEncryptionConfigPath, `{"Type":"kms"}`, 400, "InvalidRequestException", `Type must be NONE or KMS, not \"kms\"`},
		{"kms without key", PutEncryptionConfigPath, `{"Type":"KMS"}`, 400, "InvalidRequestException", "KeyId is required when Type is KMS"},
		{"empty key", PutEncryptionConfigPath, `{"Type":"KMS","KeyId":""}`, 400, "InvalidRequestException", "KeyId must be 1 to 3000"},
		{"none with key", PutEncryptionConfigPath, `{"Type":"NONE","KeyId":"k"}`, 400, "InvalidRequestException", "KeyId must be omitted"},
		{"put none", PutEncryptionConfigPath, `{"Type":"NONE"}`, 200, "", `{"EncryptionConfig":{"Status":"ACTIVE","Type":"NONE"}}`},
		{"get none", EncryptionConfigPath, `{}`, 200, "", `{"EncryptionConfig":{"Status":"ACTIVE","Type":"NONE"}}`},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body)))
		if rec.Code != tc.status || rec.Header().Get("X-Amzn-ErrorType") != tc.code || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%s: %d %s %s, want %d %s %q", tc.name, rec.Code, rec.Header().Get("X-Amzn-ErrorType"), rec.Body, tc.status, tc.code, tc.contains)
		}
	}
	ds := tel.Daemons(model.DefaultProject)
	if len(ds) != 1 || ds[0].Hostname != "h" || ds[0].Latest.SegmentsReceived != 3 || ds[0].Latest.BackendErrors != 1 {
		t.Errorf("daemons %+v", ds)
	}
}
