package compat

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// TestXRayTelemetryAndEncryptionWithSDK drives PutTelemetryRecords (as the
// X-Ray daemon sends it) and Get/PutEncryptionConfig with aws-sdk-go-v2
// against a real lookout: the daemon's latest counts and problems appear in
// GET /api/xray/sampling; the encryption configuration is echoed, kept
// across a restart and validated.
func TestXRayTelemetryAndEncryptionWithSDK(t *testing.T) {
	dir := t.TempDir()
	in := startLookout(t, dir)
	xr, main := xrayClient(in.XRayAPI), xrayClient(in.HTTP)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	_, err := xr.PutTelemetryRecords(ctx, &awsxray.PutTelemetryRecordsInput{Hostname: aws.String("web-1"),
		EC2InstanceId: aws.String("i-0abc"), TelemetryRecords: []types.TelemetryRecord{
			{Timestamp: aws.Time(now.Add(-time.Minute)), SegmentsReceivedCount: aws.Int32(10), SegmentsSentCount: aws.Int32(10)},
			{Timestamp: aws.Time(now), SegmentsReceivedCount: aws.Int32(12), SegmentsSentCount: aws.Int32(9),
				SegmentsSpilloverCount: aws.Int32(1), SegmentsRejectedCount: aws.Int32(2),
				BackendConnectionErrors: &types.BackendConnectionErrors{TimeoutCount: aws.Int32(3)}},
		}})
	if err != nil {
		t.Fatalf("PutTelemetryRecords: %v", err)
	}
	if _, err := xr.PutTelemetryRecords(ctx, &awsxray.PutTelemetryRecordsInput{Hostname: aws.String(strings.Repeat("h", 256)),
		TelemetryRecords: []types.TelemetryRecord{}}); errCode(err) != "InvalidRequestException" {
		t.Errorf("PutTelemetryRecords with a 256-character Hostname: %v", err)
	}
	var rep struct {
		Daemons []struct {
			Hostname, Ec2InstanceID string
			Latest, Total           struct{ SegmentsReceived, SegmentsSent, SegmentsSpillover, SegmentsRejected, BackendErrors int64 }
			Problems                []string
		} `json:"daemons"`
	}
	if code := getJSON(t, in.HTTP+"/api/xray/sampling", &rep); code != http.StatusOK || len(rep.Daemons) != 1 {
		t.Fatalf("GET /api/xray/sampling: %d %+v", code, rep)
	}
	d := rep.Daemons[0]
	if d.Hostname != "web-1" || d.Ec2InstanceID != "i-0abc" || d.Latest.SegmentsReceived != 12 || d.Latest.SegmentsRejected != 2 ||
		d.Latest.BackendErrors != 3 || d.Total.SegmentsReceived != 22 || d.Total.SegmentsSent != 19 || len(d.Problems) != 3 {
		t.Errorf("daemon %+v", d)
	}

	got, err := main.GetEncryptionConfig(ctx, &awsxray.GetEncryptionConfigInput{})
	if err != nil || got.EncryptionConfig.Type != types.EncryptionTypeNone || got.EncryptionConfig.Status != types.EncryptionStatusActive {
		t.Fatalf("GetEncryptionConfig before any: %+v %v", got, err)
	}
	put, err := xr.PutEncryptionConfig(ctx, &awsxray.PutEncryptionConfigInput{Type: types.EncryptionTypeKms, KeyId: aws.String("alias/xray")})
	if err != nil || put.EncryptionConfig.Type != types.EncryptionTypeKms || aws.ToString(put.EncryptionConfig.KeyId) != "alias/xray" {
		t.Fatalf("PutEncryptionConfig: %+v %v", put, err)
	}
	for _, bad := range []*awsxray.PutEncryptionConfigInput{{Type: "AES"}, {Type: types.EncryptionTypeKms},
		{Type: types.EncryptionTypeKms, KeyId: aws.String(strings.Repeat("k", 3001))}, {Type: types.EncryptionTypeNone, KeyId: aws.String("k")}} {
		if _, err := xr.PutEncryptionConfig(ctx, bad); errCode(err) != "InvalidRequestException" {
			t.Errorf("PutEncryptionConfig %+v: %v", bad, err)
		}
	}
	in.stop(t)
	in = startLookout(t, dir)
	got, err = xrayClient(in.XRayAPI).GetEncryptionConfig(ctx, &awsxray.GetEncryptionConfigInput{})
	if err != nil || got.EncryptionConfig.Type != types.EncryptionTypeKms || aws.ToString(got.EncryptionConfig.KeyId) != "alias/xray" {
		t.Errorf("GetEncryptionConfig after a restart: %+v %v", got.EncryptionConfig, err)
	}
}
