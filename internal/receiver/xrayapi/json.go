package xrayapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"lookout/internal/receiver/restjson"
)

// maxBody bounds a request body; they are small.
const maxBody = 1 << 20

// decode reads a JSON request body into v, refusing known members of the
// wrong type (unknown names are ignored, as newer SDKs add members). An
// empty body is {}. On failure it has answered InvalidRequestException.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "reading request body: "+err.Error())
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "request body: "+restjson.DescribeError(err))
		return false
	}
	return true
}

// awsError answers in X-Ray's error shape.
func awsError(w http.ResponseWriter, status int, code, msg string) {
	restjson.WriteError(w, status, code, msg)
}

// invalid answers InvalidRequestException.
func invalid(w http.ResponseWriter, format string, args ...any) {
	awsError(w, http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...))
}

// writeJSON answers v.
func writeJSON(w http.ResponseWriter, v any) { restjson.Write(w, v) }

// epoch is a time as the X-Ray API sends it: a JSON number of seconds.
type epoch float64

func epochOf(nano int64) *epoch { e := epoch(float64(nano) / 1e9); return &e }

// epochAt is t as an epoch, nil for the zero time.
func epochAt(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	return epochOf(t.UnixNano())
}

// MarshalJSON writes up to microsecond precision without exponent.
func (e epoch) MarshalJSON() ([]byte, error) {
	f := float64(e)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return []byte(fmt.Sprintf("%.6f", f)), nil
}

// fromEpoch reads epoch seconds, to the microsecond; the zero time when out
// of range.
func fromEpoch(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}

// nanos is t in unix nanoseconds, 0 for the zero time (the Default rule's
// creation, as X-Ray shows it).
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
