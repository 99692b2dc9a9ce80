package cwlogs

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestGetLogRecordSDK: every @ptr GetQueryResults returns expands, through
// aws-sdk-go-v2's GetLogRecord, into its event's fields; a pointer this
// server did not make is InvalidParameterException, one whose event is
// gone ResourceNotFoundException.
func TestGetLogRecordSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g, s := aws.String("/rec"), aws.String("s1")
	if _, err := e.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Minute)
	msgs := []string{`{"level":"ERROR","http":{"status":503}}`, `plain text`, `{"level":"INFO"}`}
	var evs []types.InputLogEvent
	for i, m := range msgs {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(i) * time.Millisecond).UnixMilli()), Message: aws.String(m)})
	}
	if _, err := e.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	out, err := e.client.StartQuery(ctx, &cwl.StartQueryInput{LogGroupName: g, StartTime: aws.Int64(now.Add(-time.Minute).Unix()),
		EndTime: aws.Int64(time.Now().Unix()), QueryString: aws.String("fields @message | sort @timestamp asc")})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]types.ResultField
	for {
		r, err := e.client.GetQueryResults(ctx, &cwl.GetQueryResultsInput{QueryId: out.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == types.QueryStatusScheduled || r.Status == types.QueryStatusRunning {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		rows = r.Results
		break
	}
	if len(rows) != len(msgs) {
		t.Fatalf("%d rows, want %d", len(rows), len(msgs))
	}
	for i, row := range rows {
		rec, err := e.client.GetLogRecord(ctx, &cwl.GetLogRecordInput{LogRecordPointer: ptrOf(row)})
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		r := rec.LogRecord
		if r["@message"] != msgs[i] || r["@logStream"] != "s1" || r["@log"] != "000000000000:/rec" ||
			r["@timestamp"] != strconv.FormatInt(*evs[i].Timestamp, 10) || r["@ingestionTime"] == "" {
			t.Errorf("row %d: record %v", i, r)
		}
		if i == 0 && (r["level"] != "ERROR" || r["http.status"] != "503") {
			t.Errorf("row 0: JSON fields missing from %v", r)
		}
	}
	var bad *types.InvalidParameterException
	if _, err := e.client.GetLogRecord(ctx, &cwl.GetLogRecordInput{LogRecordPointer: aws.String("not-a-pointer")}); !errors.As(err, &bad) {
		t.Errorf("bad pointer: %v", err)
	}
	if _, err := e.client.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	var gone *types.ResourceNotFoundException
	if _, err := e.client.GetLogRecord(ctx, &cwl.GetLogRecordInput{LogRecordPointer: ptrOf(rows[0])}); !errors.As(err, &gone) {
		t.Errorf("deleted event: %v", err)
	}
}

// ptrOf is the @ptr of a result row.
func ptrOf(row []types.ResultField) *string {
	for _, f := range row {
		if aws.ToString(f.Field) == "@ptr" {
			return f.Value
		}
	}
	return nil
}
