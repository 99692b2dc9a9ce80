package restjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"
)

// MaxBody bounds a request body of the X-Ray API; they are small.
const MaxBody = 1 << 20

// Decode reads a JSON request body into v, refusing known members of the
// wrong type (unknown names are ignored, as newer SDKs add members). An
// empty body is {}. On failure it has answered InvalidRequestException.
func Decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequestException", "reading request body: "+err.Error())
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequestException", "request body: "+DescribeError(err))
		return false
	}
	return true
}

// Invalid answers InvalidRequestException.
func Invalid(w http.ResponseWriter, format string, args ...any) {
	WriteError(w, http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...))
}

// Error is an answer in the error shape, for code that returns errors
// rather than writing them.
type Error struct {
	Status        int
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Write answers e.
func (e *Error) Write(w http.ResponseWriter) { WriteError(w, e.Status, e.Code, e.Message) }

// Invalidf is an InvalidRequestException.
func Invalidf(format string, args ...any) *Error {
	return &Error{http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...)}
}

// Epoch is a time as the X-Ray API sends it: a JSON number of seconds.
type Epoch float64

// EpochOf is unix nanoseconds as an Epoch.
func EpochOf(nano int64) *Epoch { e := Epoch(float64(nano) / 1e9); return &e }

// EpochAt is t as an Epoch, nil for the zero time.
func EpochAt(t time.Time) *Epoch {
	if t.IsZero() {
		return nil
	}
	return EpochOf(t.UnixNano())
}

// MarshalJSON writes up to microsecond precision without exponent.
func (e Epoch) MarshalJSON() ([]byte, error) {
	f := float64(e)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return []byte(fmt.Sprintf("%.6f", f)), nil
}

// FromEpoch reads epoch seconds, to the microsecond; the zero time when out
// of range.
func FromEpoch(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}

// Nanos is t in unix nanoseconds, 0 for the zero time (the Default rule's
// creation, as X-Ray shows it).
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
