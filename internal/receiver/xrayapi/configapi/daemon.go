package configapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/xraydaemon"
)

// Paths of what the daemon and account settings call.
const (
	TelemetryRecordsPath    = "/TelemetryRecords"    // PutTelemetryRecords
	EncryptionConfigPath    = "/EncryptionConfig"    // GetEncryptionConfig
	PutEncryptionConfigPath = "/PutEncryptionConfig" // PutEncryptionConfig
)

// Limits from X-Ray's API model.
const (
	maxEC2InstanceID = 20
	maxHostname      = 255
	maxResourceARN   = 500
	maxKeyID         = 3000
)

// EncryptionStore keeps each project's encryption configuration.
// *xraydaemon.Encryption implements it.
type EncryptionStore interface {
	Get(ctx context.Context, project string) (xraydaemon.EncryptionConfig, error)
	Put(ctx context.Context, project string, c xraydaemon.EncryptionConfig) (xraydaemon.EncryptionConfig, error)
}

// DaemonAPI serves PutTelemetryRecords (kept in a *xraydaemon.Telemetry,
// shown by GET /api/xray/sampling) and Get/PutEncryptionConfig. It is safe
// for concurrent use.
type DaemonAPI struct {
	tel     *xraydaemon.Telemetry
	enc     EncryptionStore
	project func(*http.Request) string
	log     *slog.Logger
}

// NewDaemonAPI builds the operations; project nil is
// model.DefaultProject, log nil slog.Default().
func NewDaemonAPI(tel *xraydaemon.Telemetry, enc EncryptionStore, project func(*http.Request) string, log *slog.Logger) (*DaemonAPI, error) {
	if tel == nil || enc == nil {
		return nil, errors.New("xray daemon api: nil telemetry or encryption store")
	}
	if project == nil {
		project = func(*http.Request) string { return model.DefaultProject }
	}
	if log == nil {
		log = slog.Default()
	}
	return &DaemonAPI{tel: tel, enc: enc, project: project, log: log}, nil
}

// Register mounts the three operations (POST only) on mux.
func (a *DaemonAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+TelemetryRecordsPath, a.putTelemetry)
	mux.HandleFunc("POST "+EncryptionConfigPath, a.getEncryption)
	mux.HandleFunc("POST "+PutEncryptionConfigPath, a.putEncryption)
}

type telemetryRecordJSON struct {
	Timestamp                                     *float64
	SegmentsReceivedCount, SegmentsSentCount      *int32
	SegmentsSpilloverCount, SegmentsRejectedCount *int32
	BackendConnectionErrors                       *backendErrorsJSON
}

type backendErrorsJSON struct {
	TimeoutCount, ConnectionRefusedCount, HTTPCode4XXCount *int32
	HTTPCode5XXCount, UnknownHostCount, OtherCount         *int32
}

func count(p *int32) int64 {
	if p == nil || *p < 0 {
		return 0
	}
	return int64(*p)
}

func (a *DaemonAPI) putTelemetry(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TelemetryRecords        *[]telemetryRecordJSON
		EC2InstanceId, Hostname *string
		ResourceARN             *string
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	if in.TelemetryRecords == nil {
		restjson.Invalid(w, "TelemetryRecords is required")
		return
	}
	var client xraydaemon.Client
	for _, f := range []struct {
		name string
		v    *string
		max  int
		to   *string
	}{{"EC2InstanceId", in.EC2InstanceId, maxEC2InstanceID, &client.EC2InstanceID},
		{"Hostname", in.Hostname, maxHostname, &client.Hostname}, {"ResourceARN", in.ResourceARN, maxResourceARN, &client.ResourceARN}} {
		if f.v == nil {
			continue
		}
		if n := utf8.RuneCountInString(*f.v); n > f.max {
			restjson.Invalid(w, "%s must be at most %d characters long, not %d", f.name, f.max, n)
			return
		}
		*f.to = *f.v
	}
	recs := make([]xraydaemon.Record, 0, len(*in.TelemetryRecords))
	for i, tr := range *in.TelemetryRecords {
		if tr.Timestamp == nil {
			restjson.Invalid(w, "TelemetryRecords[%d].Timestamp is required", i)
			return
		}
		rec := xraydaemon.Record{Timestamp: restjson.FromEpoch(*tr.Timestamp), SegmentsReceived: count(tr.SegmentsReceivedCount),
			SegmentsSent: count(tr.SegmentsSentCount), SegmentsSpillover: count(tr.SegmentsSpilloverCount),
			SegmentsRejected: count(tr.SegmentsRejectedCount)}
		if b := tr.BackendConnectionErrors; b != nil {
			rec.Timeouts, rec.ConnectionRefused, rec.HTTP4xx = count(b.TimeoutCount), count(b.ConnectionRefusedCount), count(b.HTTPCode4XXCount)
			rec.HTTP5xx, rec.UnknownHost, rec.OtherBackendFailures = count(b.HTTPCode5XXCount), count(b.UnknownHostCount), count(b.OtherCount)
		}
		recs = append(recs, rec)
	}
	a.tel.Put(a.project(r), client, recs)
	restjson.Write(w, struct{}{})
}

type encryptionJSON struct {
	KeyId  *string `json:",omitempty"`
	Status string
	Type   string
}

func encryptionOut(c xraydaemon.EncryptionConfig) map[string]encryptionJSON {
	out := encryptionJSON{Status: "ACTIVE", Type: c.Type}
	if c.KeyID != "" {
		out.KeyId = &c.KeyID
	}
	return map[string]encryptionJSON{"EncryptionConfig": out}
}

func (a *DaemonAPI) getEncryption(w http.ResponseWriter, r *http.Request) {
	var in struct{}
	if !restjson.Decode(w, r, &in) {
		return
	}
	c, err := a.enc.Get(r.Context(), a.project(r))
	if err != nil {
		a.internal(w, r, "GetEncryptionConfig", err)
		return
	}
	restjson.Write(w, encryptionOut(c))
}

func (a *DaemonAPI) putEncryption(w http.ResponseWriter, r *http.Request) {
	var in struct{ KeyId, Type *string }
	if !restjson.Decode(w, r, &in) {
		return
	}
	var c xraydaemon.EncryptionConfig
	switch {
	case in.Type == nil:
		restjson.Invalid(w, "Type is required")
		return
	case *in.Type != xraydaemon.EncryptionNone && *in.Type != xraydaemon.EncryptionKMS:
		restjson.Invalid(w, "Type must be NONE or KMS, not %q", *in.Type)
		return
	case in.KeyId != nil && (utf8.RuneCountInString(*in.KeyId) < 1 || utf8.RuneCountInString(*in.KeyId) > maxKeyID):
		restjson.Invalid(w, "KeyId must be 1 to %d characters long, not %d", maxKeyID, utf8.RuneCountInString(*in.KeyId))
		return
	case *in.Type == xraydaemon.EncryptionKMS && in.KeyId == nil:
		restjson.Invalid(w, "KeyId is required when Type is KMS")
		return
	case *in.Type == xraydaemon.EncryptionNone && in.KeyId != nil:
		restjson.Invalid(w, "KeyId must be omitted when Type is NONE")
		return
	}
	c.Type = *in.Type
	if in.KeyId != nil {
		c.KeyID = *in.KeyId
	}
	c, err := a.enc.Put(r.Context(), a.project(r), c)
	if err != nil {
		a.internal(w, r, "PutEncryptionConfig", err)
		return
	}
	restjson.Write(w, encryptionOut(c))
}

func (a *DaemonAPI) internal(w http.ResponseWriter, r *http.Request, op string, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	a.log.Error("x-ray daemon api", "op", op, "err", err)
	restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
}
